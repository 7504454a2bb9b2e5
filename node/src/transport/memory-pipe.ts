// A connection of the fake network: two link ends, each with a FIFO queue towards the other. Frames are
// copied when sent (a real stream owns what it was given), delivered in order after the network's delay,
// and may be dropped by the network on the way; hellos are never dropped at random, because the real
// transport's hello rides a reliable stream. Sends beyond a peer's queue budget are refused as congested.

import type { LinkReceiver, PeerLink, SendOutcome } from './peer-link';
import { SendBudget } from './send-budget';

/** What a pipe asks of its network for each frame. */
export interface PipeCarrier {
  /** Milliseconds until delivery, or undefined to drop the frame. */
  route(fromNodeId: string, toNodeId: string, kind: 'hello' | 'frame'): number | undefined;
  /** Checked again on arrival: a frame in flight when a cut is made is lost with it. */
  arrives(fromNodeId: string, toNodeId: string): boolean;
  pipeClosed(pipe: MemoryPipe): void;
}

export interface PipeEndpoint {
  readonly nodeId: string;
  readonly publicKey: Uint8Array;
}

interface QueuedFrame {
  readonly frame: Uint8Array;
  readonly kind: 'hello' | 'frame';
  readonly deliverAtMs: number;
}

class MemoryLinkEnd implements PeerLink {
  readonly handshakeHash: Uint8Array;
  readonly localPublicKey: Uint8Array;
  readonly remotePublicKey: Uint8Array;
  readonly remoteAddress: string;
  readonly budget: SendBudget;
  receiver: LinkReceiver | undefined;
  readonly queue: QueuedFrame[] = [];
  timer: ReturnType<typeof setTimeout> | undefined;
  readonly #pipe: MemoryPipe;
  readonly from: PipeEndpoint;
  readonly to: PipeEndpoint;

  constructor(pipe: MemoryPipe, from: PipeEndpoint, to: PipeEndpoint, budgetBytes: number) {
    this.#pipe = pipe;
    this.from = from;
    this.to = to;
    this.handshakeHash = pipe.handshakeHash;
    this.localPublicKey = from.publicKey;
    this.remotePublicKey = to.publicKey;
    this.remoteAddress = `memory:${to.nodeId}`;
    this.budget = new SendBudget(budgetBytes);
  }

  attach(receiver: LinkReceiver): void {
    this.receiver = receiver;
  }

  sendHello(frame: Uint8Array): void {
    this.#pipe.carry(this, frame, 'hello');
  }

  sendFrame(frame: Uint8Array): SendOutcome {
    if (this.#pipe.closed) return 'closed';
    if (!this.budget.tryReserve(frame.byteLength)) return 'congested';
    this.#pipe.carry(this, frame, 'frame');
    return 'sent';
  }

  destroy(): void {
    this.#pipe.close();
  }
}

export class MemoryPipe {
  readonly handshakeHash: Uint8Array;
  readonly endpoints: readonly [PipeEndpoint, PipeEndpoint];
  /** ends[0] sends from endpoints[0] to endpoints[1]; ends[1] the other way. */
  readonly ends: readonly [PeerLink, PeerLink];
  #closed = false;
  readonly #carrier: PipeCarrier;
  readonly #sendEnds: readonly [MemoryLinkEnd, MemoryLinkEnd];

  constructor(carrier: PipeCarrier, first: PipeEndpoint, second: PipeEndpoint, handshakeHash: Uint8Array, budgetBytes: number) {
    this.#carrier = carrier;
    this.handshakeHash = handshakeHash;
    this.endpoints = [first, second];
    this.#sendEnds = [new MemoryLinkEnd(this, first, second, budgetBytes), new MemoryLinkEnd(this, second, first, budgetBytes)];
    this.ends = this.#sendEnds;
  }

  get closed(): boolean {
    return this.#closed;
  }

  connects(first: PipeEndpoint, second: PipeEndpoint): boolean {
    const [a, b] = this.endpoints;
    return (a === first && b === second) || (a === second && b === first);
  }

  touches(endpoint: PipeEndpoint): boolean {
    return this.endpoints[0] === endpoint || this.endpoints[1] === endpoint;
  }

  carry(sender: MemoryLinkEnd, frame: Uint8Array, kind: 'hello' | 'frame'): void {
    if (this.#closed) return;
    const delayMs = this.#carrier.route(sender.from.nodeId, sender.to.nodeId, kind);
    if (delayMs === undefined) {
      if (kind === 'frame') sender.budget.release(frame.byteLength);
      return;
    }
    const last = sender.queue.at(-1);
    const deliverAtMs = Math.max(performance.now() + delayMs, last?.deliverAtMs ?? 0);
    sender.queue.push({ frame: frame.slice(), kind, deliverAtMs });
    if (sender.timer === undefined) this.#schedule(sender);
  }

  /** Closes both ends; each receiver hears of it on a later tick, as with a real stream. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const end of this.#sendEnds) {
      clearTimeout(end.timer);
      end.timer = undefined;
      end.queue.length = 0;
      const receiver = end.receiver;
      if (receiver !== undefined) queueMicrotask(() => receiver.linkClosed());
    }
    this.#carrier.pipeClosed(this);
  }

  #schedule(sender: MemoryLinkEnd): void {
    const head = sender.queue[0];
    if (head === undefined || this.#closed) return;
    sender.timer = setTimeout(() => this.#deliver(sender), Math.max(0, head.deliverAtMs - performance.now()));
  }

  #deliver(sender: MemoryLinkEnd): void {
    sender.timer = undefined;
    const receiverEnd = sender === this.#sendEnds[0] ? this.#sendEnds[1] : this.#sendEnds[0];
    const now = performance.now();
    while (!this.#closed && sender.queue[0] !== undefined && sender.queue[0].deliverAtMs <= now) {
      const { frame, kind } = sender.queue.shift()!;
      if (kind === 'frame') sender.budget.release(frame.byteLength);
      if (!this.#carrier.arrives(sender.from.nodeId, sender.to.nodeId)) continue;
      if (kind === 'hello') {
        receiverEnd.receiver?.receiveHello(frame);
      } else {
        receiverEnd.receiver?.receiveFrame(frame);
      }
    }
    this.#schedule(sender);
  }
}
