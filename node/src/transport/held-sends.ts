// The messages a slow link holds (a chaos delay, docs/chaos.md): per peer, a queue of encoded frames,
// each due at its own time. A frame never leaves before one given earlier: with jitter a later frame may
// draw a shorter hold, and it then waits for the one ahead of it, as bytes on a TCP stream arrive in
// order however the link jitters. So does a frame sent after the delay lifted, until the queue drains.
// A peer's queue is bounded in bytes; past the bound a frame is dropped, as a congested link drops.

import { CHAOS_DELAY_QUEUE_BYTES_MAX } from '../limits';

interface HeldFrame {
  readonly frame: Uint8Array;
  readonly dueMs: number;
}

interface PeerQueue {
  readonly frames: HeldFrame[];
  /** Index of the next frame to leave: frames before it are gone. */
  head: number;
  bytes: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export interface HeldSendsOptions {
  /** Sends a frame whose time came (the peer may have gone meanwhile: then it is lost, as in a real link). */
  readonly release: (nodeId: string, frame: Uint8Array) => void;
  /** A frame the queue had no room for. */
  readonly dropped: (nodeId: string) => void;
  readonly bytesMax?: number;
  readonly nowMs?: () => number;
}

export class HeldSends {
  readonly #options: HeldSendsOptions;
  readonly #bytesMax: number;
  readonly #nowMs: () => number;
  readonly #queues = new Map<string, PeerQueue>();

  constructor(options: HeldSendsOptions) {
    this.#options = options;
    this.#bytesMax = options.bytesMax ?? CHAOS_DELAY_QUEUE_BYTES_MAX;
    this.#nowMs = options.nowMs ?? (() => performance.now());
  }

  /** Whether frames to this peer are waiting: a frame sent now, held or not, goes behind them. */
  holding(nodeId: string): boolean {
    return this.#queues.has(nodeId);
  }

  /** Holds a frame `holdMs`, and never past one held earlier; false when it was dropped for lack of room. */
  hold(nodeId: string, frame: Uint8Array, holdMs: number): boolean {
    let queue = this.#queues.get(nodeId);
    if ((queue?.bytes ?? 0) + frame.byteLength > this.#bytesMax) {
      this.#options.dropped(nodeId);
      return false;
    }
    if (queue === undefined) this.#queues.set(nodeId, (queue = { frames: [], head: 0, bytes: 0, timer: undefined }));
    const tail = queue.frames.at(-1);
    const dueMs = Math.max(this.#nowMs() + holdMs, tail?.dueMs ?? 0);
    queue.frames.push({ frame, dueMs });
    queue.bytes += frame.byteLength;
    if (queue.timer === undefined) this.#arm(nodeId, queue);
    return true;
  }

  /** Forgets the frames held for this peer: its connection closed, and what was on the wire with it. */
  discard(nodeId: string): void {
    const queue = this.#queues.get(nodeId);
    if (queue === undefined) return;
    clearTimeout(queue.timer);
    this.#queues.delete(nodeId);
  }

  /** Forgets every held frame (the transport is closing). */
  discardAll(): void {
    for (const nodeId of [...this.#queues.keys()]) this.discard(nodeId);
  }

  #arm(nodeId: string, queue: PeerQueue): void {
    const waitMs = Math.max(0, queue.frames[queue.head]!.dueMs - this.#nowMs());
    queue.timer = setTimeout(() => this.#releaseDue(nodeId, queue), waitMs);
    queue.timer.unref();
  }

  #releaseDue(nodeId: string, queue: PeerQueue): void {
    queue.timer = undefined;
    const nowMs = this.#nowMs();
    while (queue.head < queue.frames.length && queue.frames[queue.head]!.dueMs <= nowMs) {
      const { frame } = queue.frames[queue.head++]!;
      queue.bytes -= frame.byteLength;
      // A release may close the link (and discard this queue); then nothing more leaves from it.
      this.#options.release(nodeId, frame);
      if (this.#queues.get(nodeId) !== queue) return;
    }
    if (queue.head === queue.frames.length) {
      this.#queues.delete(nodeId);
      return;
    }
    // Compacts once the frames gone are the larger part, so a long-held queue does not keep them all.
    if (queue.head > queue.frames.length / 2) {
      queue.frames.splice(0, queue.head);
      queue.head = 0;
    }
    this.#arm(nodeId, queue);
  }
}
