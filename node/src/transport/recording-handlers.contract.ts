// Test support shared by the transport suites (bun and node): handlers that record every event, with
// waits on them, and the message types the suites send.

import { MessageRegistry } from '../wire';
import type { PeerHello, PeerMessage, TransportHandlers } from './transport';

export type RecordedEvent =
  | { readonly kind: 'up'; readonly peer: PeerHello }
  | { readonly kind: 'down'; readonly nodeId: string }
  | { readonly kind: 'message'; readonly from: string; readonly message: PeerMessage };

const WAIT_POLL_MS = 5;

export class RecordingHandlers implements TransportHandlers {
  readonly events: RecordedEvent[] = [];

  onPeerUp(peer: PeerHello): void {
    this.events.push({ kind: 'up', peer });
  }
  onPeerDown(nodeId: string): void {
    this.events.push({ kind: 'down', nodeId });
  }
  onMessage(from: string, message: PeerMessage): void {
    this.events.push({ kind: 'message', from, message });
  }

  ups(nodeId?: string): PeerHello[] {
    return this.events.flatMap((event) => (event.kind === 'up' && (nodeId === undefined || event.peer.nodeId === nodeId) ? [event.peer] : []));
  }
  downs(nodeId?: string): string[] {
    return this.events.flatMap((event) => (event.kind === 'down' && (nodeId === undefined || event.nodeId === nodeId) ? [event.nodeId] : []));
  }
  messages(from?: string): PeerMessage[] {
    return this.events.flatMap((event) => (event.kind === 'message' && (from === undefined || event.from === from) ? [event.message] : []));
  }

  /** Resolves once `condition()` holds; rejects naming `what` after `timeoutMs`. */
  async until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    await waitUntil(condition, timeoutMs, what);
  }
}

export async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export const NOTE_CODE = 60_001;
export const EXTRA_CODE = 60_002;

export type Note = { readonly type: 'test.note'; readonly text: string; readonly sequence: number };

/** What every suite's nodes speak: notes of up to `textCharsMax` characters. */
export function contractMessages(options: { textCharsMax?: number; messageBytesMax?: number; withExtra?: boolean } = {}): MessageRegistry {
  const registry = new MessageRegistry(options.messageBytesMax === undefined ? {} : { messageBytesMax: options.messageBytesMax });
  registry.define<Note>('test.note', NOTE_CODE, (fields) => ({
    text: fields.string('text', { charsMax: options.textCharsMax ?? 4 * 1024 * 1024 }),
    sequence: fields.integer('sequence', { min: 0, max: 1_000_000 }),
  }));
  if (options.withExtra === true) registry.define('test.extra', EXTRA_CODE, () => ({}));
  return registry;
}

export const note = (text: string, sequence = 0): PeerMessage => ({ type: 'test.note', text, sequence });
