// Bounds the bytes queued for one peer. A peer that reads slower than we write must not make us buffer
// without limit: once its budget is spent, further sends to it are dropped (and counted) until the
// stream drains. Replication retries and anti-entropy repair what is dropped.

/** Four maximal messages: enough to ride out a burst, small enough that 64 stuck peers cost 512 MiB. */
export const PEER_SEND_QUEUE_BYTES_MAX = 8 * 1024 * 1024;

export class SendBudget {
  readonly bytesMax: number;
  #queuedBytes = 0;

  constructor(bytesMax = PEER_SEND_QUEUE_BYTES_MAX) {
    this.bytesMax = bytesMax;
  }

  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /** Reserves room for `bytes` more; false (reserving nothing) when that would exceed the budget. */
  tryReserve(bytes: number): boolean {
    if (this.#queuedBytes + bytes > this.bytesMax) return false;
    this.#queuedBytes += bytes;
    return true;
  }

  release(bytes: number): void {
    this.#queuedBytes = Math.max(0, this.#queuedBytes - bytes);
  }

  /** The stream drained: everything reserved has left. */
  reset(): void {
    this.#queuedBytes = 0;
  }
}
