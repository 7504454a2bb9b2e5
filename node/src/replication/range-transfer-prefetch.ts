// The joiner's side of a range transfer's stream: batches asked for ahead of the merges. Each request
// names where the previous batch ended, so batches are asked for one after another; the next is asked
// for as soon as one arrives, up to RANGE_TRANSFER_BATCHES_AHEAD_MAX waiting, so the source reads and
// sends while the joiner merges. The merger takes every batch that arrived meanwhile (within
// RANGE_TRANSFER_MERGE_RECORDS_MAX) and merges them in one transaction: one commit, and one fsync,
// for all of them instead of one each.

import type { RangeTransferBatchMessage } from './range-transfer-messages';
import { RANGE_TRANSFER_BATCH_KEYS_MAX } from './range-transfer-messages';

/** Batches received and not yet merged, at most (each within RANGE_TRANSFER_BATCH_BYTES_MAX). */
export const RANGE_TRANSFER_BATCHES_AHEAD_MAX = 4;
/**
 * Records merged in one transaction at most: the batches that arrived while the previous merge ran,
 * as many as fit (several when values are large and the byte bound cuts batches short). One full
 * batch, not four: while a join is under way every foreground write waits for the joiner too (joint
 * quorums), behind its merge. Measured (`npm run bench:rebalance`, 3 runs each): PUT p99 during the
 * move 25-33 ms at 500 records against 62-69 ms at 2,000, the move 26.4-27.1k keys/s against 27.8-31.3k.
 */
export const RANGE_TRANSFER_MERGE_RECORDS_MAX = RANGE_TRANSFER_BATCH_KEYS_MAX;

export type AskBatch = (afterKey: string | undefined) => Promise<RangeTransferBatchMessage>;

export class RangeTransferPrefetch {
  readonly #ask: AskBatch;
  readonly #arrived: RangeTransferBatchMessage[] = [];
  /** Where the next request starts; undefined once the last batch has arrived. */
  #nextAfterKey: string | undefined;
  #exhausted = false;
  #asking = false;
  #failure: { readonly error: unknown } | undefined;
  #wake: (() => void) | undefined;

  /** Asks for the first batch (after `afterKey`, or from the interval's start) at once. */
  constructor(ask: AskBatch, afterKey: string | undefined) {
    this.#ask = ask;
    this.#nextAfterKey = afterKey;
    this.#askNext();
  }

  /**
   * The batches that arrived, oldest first, at least one and at most RANGE_TRANSFER_MERGE_RECORDS_MAX
   * records (a single batch may hold up to RANGE_TRANSFER_BATCH_KEYS_MAX alone); undefined once the
   * interval is exhausted. Rejects with a request's failure once the batches before it are taken.
   */
  async take(): Promise<RangeTransferBatchMessage[] | undefined> {
    while (this.#arrived.length === 0) {
      if (this.#failure !== undefined) throw this.#failure.error;
      if (this.#exhausted) return undefined;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    const taken = [this.#arrived.shift()!];
    let records = taken[0]!.records.length;
    while (this.#arrived.length > 0 && records + this.#arrived[0]!.records.length <= RANGE_TRANSFER_MERGE_RECORDS_MAX) {
      const batch = this.#arrived.shift()!;
      records += batch.records.length;
      taken.push(batch);
    }
    this.#askNext();
    return taken;
  }

  #askNext(): void {
    if (this.#asking || this.#exhausted || this.#failure !== undefined || this.#arrived.length >= RANGE_TRANSFER_BATCHES_AHEAD_MAX) return;
    this.#asking = true;
    // Handled here, at once: a request failing while no one waits (the transfer stopping) is no crash.
    this.#ask(this.#nextAfterKey).then(
      (batch) => {
        this.#asking = false;
        this.#arrived.push(batch);
        this.#nextAfterKey = batch.resumeAfterKey;
        this.#exhausted = batch.resumeAfterKey === undefined;
        this.#askNext();
        this.#wakeTaker();
      },
      (error: unknown) => {
        this.#asking = false;
        this.#failure = { error };
        this.#wakeTaker();
      },
    );
  }

  #wakeTaker(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
