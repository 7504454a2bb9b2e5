// Coalesces the frames sent to one peer within one job of the event loop (the callback that handled a
// network read, a store commit or a timer, with the promise continuations it set off) into one write to
// the peer's encrypted stream. A replica answers every request that arrived in one read, or every write
// that one store commit made durable, in the same job: as one write they cost one encryption, one UDP
// send and one decryption and read callback on the peer, instead of one each.
//
// The batch is protomux's own (a control message holding several channel messages), so every protomux
// peer reads it, whatever swarmkv protocol version it speaks, and each frame inside still passes the
// receiver's codecs on its own. The batch is written when the current job's microtasks run out, not at
// the end of the event-loop turn: a frame waits for nothing but the job that produced it (waiting for
// the turn's end was measured to add latency at saturation; bench/RESULTS.md, perf-cluster).

/** A batch above this is written at once and a new one begun: one stream write stays a bounded size. */
export const COALESCED_BATCH_BYTES_MAX = 256 * 1024;

/** What the coalescer needs of the multiplexer: protomux's cork and uncork. */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

export class SendCoalescer {
  readonly #mux: Corkable;
  readonly #schedule: (flush: () => void) => void;
  readonly #flush = () => this.flush();
  #corked = false;
  #batchBytes = 0;

  constructor(mux: Corkable, schedule: (flush: () => void) => void = queueMicrotask) {
    this.#mux = mux;
    this.#schedule = schedule;
  }

  /** Call before sending a frame of `bytes`: it joins the current batch, or begins one. */
  willSend(bytes: number): void {
    if (this.#corked && this.#batchBytes + bytes > COALESCED_BATCH_BYTES_MAX) this.flush();
    if (!this.#corked) {
      this.#corked = true;
      this.#batchBytes = 0;
      this.#mux.cork();
      // A flush scheduled for an earlier batch may write this one early; that only shortens its wait.
      this.#schedule(this.#flush);
    }
    this.#batchBytes += bytes;
  }

  /** Writes the current batch, if any. Idempotent. */
  flush(): void {
    if (!this.#corked) return;
    this.#corked = false;
    this.#mux.uncork();
  }
}
