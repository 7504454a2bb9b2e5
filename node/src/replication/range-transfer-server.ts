// The answering side of a range transfer: the next batch of an interval's records, in position order,
// found through this node's DigestIndex (which orders every record it holds by ring position) and read
// from its store. Never writes.

import { SwarmError } from '../errors';
import type { StoredRecord } from '../storage';
import type { RpcHandler } from '../transport';
import type { DigestSource } from './digest-index';
import { rangeTransferRequest, type RangeTransferBatchMessage } from './range-transfer-messages';
import { recordOnWire, type WireRecord } from './replica-messages';

/**
 * A batch stops once its records would take about this many bytes on the wire (values counted twice,
 * as escaping can double them): well inside a peer frame, and small enough to keep the source's event
 * loop free for its foreground requests. A batch always carries at least one record, which fits a frame
 * on its own (config.ts bounds values for that).
 */
export const RANGE_TRANSFER_BATCH_BYTES_MAX = 512 * 1024;
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
  rpc.serve(rangeTransferRequest.type, (_from, body) => {
    if (!rangeTransferRequest.is(body)) throw new SwarmError('internal', `a ${rangeTransferRequest.type} handler was given another message`);
    // One more than asked, to tell whether the interval holds more.
    const entries = source.index.versionsAfter(body.interval, body.afterKey, body.limit + 1);
    const records: WireRecord[] = [];
    let bytes = 0;
    let lastKey: string | undefined;
    let full = entries.length > body.limit;
    for (const entry of entries.slice(0, body.limit)) {
      const record = source.get(entry.key);
      if (record !== undefined) {
        const size = transferBytesOf(record);
        if (records.length > 0 && bytes + size > RANGE_TRANSFER_BATCH_BYTES_MAX) {
          full = true;
          break;
        }
        bytes += size;
        records.push(recordOnWire(record));
      }
      // A key erased since the index listed it (tombstone collection) is passed over.
      lastKey = entry.key;
    }
    const answer: RangeTransferBatchMessage = full && lastKey !== undefined ? { type: 'rangeTransferBatch', records, resumeAfterKey: lastKey } : { type: 'rangeTransferBatch', records };
    return answer;
  });
}
