// One range transfer: a joining node pulls an interval of ring positions from one current replica, in
// bounded batches (rangeTransferRequest), merging each batch into its own store by last-writer-wins per
// record in one store transaction, so a write that reached it directly meanwhile (it is a pending
// owner: writes reach it) is never overwritten by an older streamed copy. Where it is (the last key)
// is persisted in that same transaction, so a restart of either side resumes there and the progress
// never runs ahead of the data. Its progress is read by the engine for the status view.

import { SwarmError } from '../errors';
import type { PeerMessage } from '../transport';
import { antiEntropyDigests } from './anti-entropy-messages';
import type { PositionInterval } from './position-interval';
import { RANGE_TRANSFER_BATCH_KEYS_MAX, rangeTransferBatch, type RangeTransferBatchMessage } from './range-transfer-messages';
import { RangeTransferPrefetch } from './range-transfer-prefetch';
import { transferBytesOf } from './range-transfer-server';
import type { StoredRecord } from '../storage';
import { recordFromWire } from './replica-messages';

/** One batch request; background work, so more patient than a quorum. */
export const RANGE_TRANSFER_REQUEST_TIMEOUT_MS = 10_000;

/** Where a transfer is, as persisted after every batch. */
export interface TransferProgress {
  readonly afterKey?: string;
  readonly done: boolean;
  readonly keys: number;
  readonly bytes: number;
}

/**
 * Merges a batch into the local store (newer version wins, per record) and persists `progress` in the
 * same transaction; resolves with how many records were newer and are now stored.
 */
export type MergeBatch = (records: readonly StoredRecord[], progress: TransferProgress) => Promise<number>;

export interface RangeTransferDeps {
  readonly request: (toNodeId: string, body: PeerMessage, options: { readonly timeoutMs: number }) => Promise<PeerMessage>;
  readonly merge: MergeBatch;
  /** Waits as long as the shared rate bound asks after `bytes` were streamed. */
  readonly pace: (bytes: number) => Promise<void>;
  /** Counts streamed keys and bytes (the metrics). */
  readonly streamed: (keys: number, bytes: number) => void;
  /** True once the transfer should stop after the batch in hand (the node is closing). */
  readonly stopping: () => boolean;
}

export class RangeTransfer {
  readonly interval: PositionInterval;
  keysTotal: number | null = null;
  /** Streamed records that were newer than the local copy (the rest lost to a write that came directly). */
  applied = 0;
  #progress: TransferProgress;
  readonly #deps: RangeTransferDeps;

  constructor(interval: PositionInterval, resumeFrom: TransferProgress, deps: RangeTransferDeps) {
    this.interval = interval;
    this.#progress = resumeFrom;
    this.#deps = deps;
  }

  get progress(): TransferProgress {
    return this.#progress;
  }

  /**
   * Streams the rest of the interval from `source`; resolves once done (or stopping), rejects if the
   * source fails. Batches are asked for ahead (range-transfer-prefetch.ts) and merged in order, those
   * that arrived together in one transaction with the progress after the last of them.
   */
  async run(source: string): Promise<void> {
    if (this.keysTotal === null) this.keysTotal = await this.#countAt(source);
    if (this.#progress.done) return;
    const prefetch = new RangeTransferPrefetch((afterKey) => this.#ask(source, afterKey), this.#progress.afterKey);
    while (!this.#progress.done && !this.#deps.stopping()) {
      const batches = await prefetch.take();
      if (batches === undefined) break;
      await this.#store(batches);
    }
  }

  async #ask(source: string, afterKey: string | undefined): Promise<RangeTransferBatchMessage> {
    const request = { type: 'rangeTransferRequest', interval: this.interval, limit: RANGE_TRANSFER_BATCH_KEYS_MAX, ...(afterKey === undefined ? {} : { afterKey }) };
    const answer = await this.#deps.request(source, request, { timeoutMs: RANGE_TRANSFER_REQUEST_TIMEOUT_MS });
    if (!rangeTransferBatch.is(answer)) throw new SwarmError('unavailable', `${source} answered ${answer.type} to a range transfer`);
    return answer;
  }

  /** Merges consecutive batches in one transaction with the progress after the last, then waits as the rate bound asks. */
  async #store(batches: readonly RangeTransferBatchMessage[]): Promise<void> {
    const records = batches.flatMap((batch) => batch.records);
    let bytes = 0;
    for (const record of records) bytes += transferBytesOf(record);
    const { keys: keysBefore, bytes: bytesBefore } = this.#progress;
    const resume = batches.at(-1)!.resumeAfterKey;
    const progress = { ...(resume === undefined ? {} : { afterKey: resume }), done: resume === undefined, keys: keysBefore + records.length, bytes: bytesBefore + bytes };
    this.applied += await this.#deps.merge(records.map(recordFromWire), progress);
    this.#progress = progress;
    this.#deps.streamed(records.length, bytes);
    await this.#deps.pace(bytes);
  }

  /** The records the source holds in the interval, from its digest index (the anti-entropy request). */
  async #countAt(source: string): Promise<number | null> {
    const answer = await this.#deps.request(source, { type: 'antiEntropyDigestRequest', intervals: [this.interval] }, { timeoutMs: RANGE_TRANSFER_REQUEST_TIMEOUT_MS });
    return antiEntropyDigests.is(answer) && answer.digests.length === 1 ? answer.digests[0]!.count : null;
  }
}
