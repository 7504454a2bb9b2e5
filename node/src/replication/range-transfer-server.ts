// The answering side of a range transfer: the next batch of an interval's records, in position order,
// found through this node's DigestIndex (which orders every record it holds by ring position) and read
// from its store. Never writes.

import { setImmediate as nextTurn } from 'node:timers/promises';
import { SwarmError } from '../errors';
import type { StoredRecord } from '../storage';
import type { RpcHandler } from '../transport';
import type { DigestSource, IndexedVersion } from './digest-index';
import { rangeTransferRequest, type RangeTransferBatchMessage } from './range-transfer-messages';
import { recordOnWire, type WireRecord } from './replica-messages';

/**
 * A batch stops once its records would take about this many bytes on the wire (values counted twice,
 * as escaping can double them): well inside a peer frame, and small enough to keep the source's event
 * loop free for its foreground requests. A batch always carries at least one record, which fits a frame
 * on its own (config.ts bounds values for that).
 */
export const RANGE_TRANSFER_BATCH_BYTES_MAX = 256 * 1024;
/**
 * Index entries read and records fetched in one go before the source yields to its event loop: a
 * batch is read in slices, so a foreground request waits behind one slice (about a millisecond), not a
 * whole batch.
 */
export const RANGE_TRANSFER_SLICE_RECORDS = 100;
/** JSON around one record besides its key and value: version, timestamps, field names. */
const RECORD_OVERHEAD_BYTES = 96;

export interface RangeTransferRouter {
  serve(type: string, handler: RpcHandler): void;
}

export interface RangeTransferSource {
  readonly index: DigestSource;
  /** The record this node's store holds for a key, tombstones included. */
  get(key: string): StoredRecord | undefined;
}

/** Bytes a record takes in a batch, as the batch bound counts them. */
export function transferBytesOf(record: WireRecord | StoredRecord): number {
  return Buffer.byteLength(record.key) * 2 + (record.valueJson ?? '').length * 2 + RECORD_OVERHEAD_BYTES;
}

export function serveRangeTransfers(rpc: RangeTransferRouter, source: RangeTransferSource): void {
  rpc.serve(rangeTransferRequest.type, async (_from, body) => {
    if (!rangeTransferRequest.is(body)) throw new SwarmError('internal', `a ${rangeTransferRequest.type} handler was given another message`);
    const batch = new BatchBuilder();
    let afterKey = body.afterKey;
    while (!batch.full) {
      // One more than the slice holds, to tell whether the interval holds more.
      const sliceLimit = Math.min(RANGE_TRANSFER_SLICE_RECORDS, body.limit - batch.listed);
      const entries = source.index.versionsAfter(body.interval, afterKey, sliceLimit + 1);
      batch.add(entries.slice(0, sliceLimit), source);
      if (entries.length <= sliceLimit) break;
      if (batch.listed >= body.limit) {
        batch.full = true;
        break;
      }
      afterKey = batch.lastKey;
      // The source's foreground requests run between slices instead of waiting behind the whole batch.
      await nextTurn();
    }
    return batch.answer();
  });
}

/** A batch as it is read, slice after slice: its records within RANGE_TRANSFER_BATCH_BYTES_MAX. */
class BatchBuilder {
  readonly #records: WireRecord[] = [];
  #bytes = 0;
  /** Index entries passed over so far (records, and keys erased since the index listed them). */
  listed = 0;
  lastKey: string | undefined;
  /** True once the interval holds more than this batch. */
  full = false;

  add(entries: readonly IndexedVersion[], source: RangeTransferSource): void {
    for (const entry of entries) {
      const record = source.get(entry.key);
      if (record !== undefined) {
        const size = transferBytesOf(record);
        if (this.#records.length > 0 && this.#bytes + size > RANGE_TRANSFER_BATCH_BYTES_MAX) {
          this.full = true;
          return;
        }
        this.#bytes += size;
        this.#records.push(recordOnWire(record));
      }
      // A key erased since the index listed it (tombstone collection) is passed over.
      this.lastKey = entry.key;
      this.listed += 1;
    }
  }

  answer(): RangeTransferBatchMessage {
    const records = this.#records;
    return this.full && this.lastKey !== undefined ? { type: 'rangeTransferBatch', records, resumeAfterKey: this.lastKey } : { type: 'rangeTransferBatch', records };
  }
}
