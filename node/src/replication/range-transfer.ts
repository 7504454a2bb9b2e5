// One range transfer: a joining node pulls an interval of ring positions from one current replica, in
// bounded batches (rangeTransferRequest), merging each record into its own store by last-writer-wins,
// so a write that reached it directly meanwhile (it is a pending owner: writes reach it) is never
// overwritten by an older streamed copy. After each batch it persists where it is (the last key), so
// a restart of either side resumes there. Its progress is read by the engine for the status view.

import { SwarmError } from '../errors';
import type { PeerMessage } from '../transport';
import { antiEntropyDigests } from './anti-entropy-messages';
import type { PositionInterval } from './position-interval';
import { RANGE_TRANSFER_BATCH_KEYS_MAX, rangeTransferBatch } from './range-transfer-messages';
import { transferBytesOf } from './range-transfer-server';
import type { Replica } from './replica';
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

export interface RangeTransferDeps {
  readonly request: (toNodeId: string, body: PeerMessage, options: { readonly timeoutMs: number }) => Promise<PeerMessage>;
  readonly local: Replica;
  /** Persists progress (store metadata); awaited before the next batch. */
  readonly save: (progress: TransferProgress) => Promise<void>;
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

  /** Streams the rest of the interval from `source`; resolves once done (or stopping), rejects if the source fails. */
  async run(source: string): Promise<void> {
    if (this.keysTotal === null) this.keysTotal = await this.#countAt(source);
    while (!this.#progress.done && !this.#deps.stopping()) {
      const request = { type: 'rangeTransferRequest', interval: this.interval, limit: RANGE_TRANSFER_BATCH_KEYS_MAX, ...(this.#progress.afterKey === undefined ? {} : { afterKey: this.#progress.afterKey }) };
      const answer = await this.#deps.request(source, request, { timeoutMs: RANGE_TRANSFER_REQUEST_TIMEOUT_MS });
      if (!rangeTransferBatch.is(answer)) throw new SwarmError('unavailable', `${source} answered ${answer.type} to a range transfer`);
      let bytes = 0;
      await Promise.all(
        answer.records.map((record) => {
          bytes += transferBytesOf(record);
          return this.#deps.local.write(recordFromWire(record));
        }),
      );
      const { keys: keysBefore, bytes: bytesBefore } = this.#progress;
      const resume = answer.resumeAfterKey;
      this.#progress = { ...(resume === undefined ? {} : { afterKey: resume }), done: resume === undefined, keys: keysBefore + answer.records.length, bytes: bytesBefore + bytes };
      await this.#deps.save(this.#progress);
      this.#deps.streamed(answer.records.length, bytes);
      await this.#deps.pace(bytes);
    }
  }

  /** The records the source holds in the interval, from its digest index (the anti-entropy request). */
  async #countAt(source: string): Promise<number | null> {
    const answer = await this.#deps.request(source, { type: 'antiEntropyDigestRequest', intervals: [this.interval] }, { timeoutMs: RANGE_TRANSFER_REQUEST_TIMEOUT_MS });
    return antiEntropyDigests.is(answer) && answer.digests.length === 1 ? answer.digests[0]!.count : null;
  }
}
