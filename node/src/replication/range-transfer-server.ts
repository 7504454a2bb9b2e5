// The answering side of a range transfer: the next batch of an interval's records, in position order,
// found through this node's DigestIndex (which orders every record it holds by ring position) and read
// from its store. Never writes. Batches are served one at a time, and after each the source rests in
// proportion to what serving it took (building, encoding, sending, and the foreground work that ran
// meanwhile), so its foreground requests wait behind one batch at most, and the busier the foreground,
// the slower the transfers.

import { SwarmError } from '../errors';
import type { StoredRecord } from '../storage';
import type { RpcHandler } from '../transport';
import type { DigestSource } from './digest-index';
import { rangeTransferRequest, type RangeTransferBatchMessage, type RangeTransferRequestMessage } from './range-transfer-messages';
import { recordOnWire, type WireRecord } from './replica-messages';

/**
 * A batch stops once its records would take about this many bytes on the wire (values counted twice,
 * as escaping can double them): well inside a peer frame, and small enough that building, encoding and
 * sending one (all synchronous on the source's event loop) keeps its foreground requests waiting a few
 * milliseconds at most. A batch always carries at least one record, which fits a frame on its own
 * (config.ts bounds values for that).
 */
export const RANGE_TRANSFER_BATCH_BYTES_MAX = 128 * 1024;
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
  const turns = new RestingQueue();
  rpc.serve(rangeTransferRequest.type, (_from, body) => {
    if (!rangeTransferRequest.is(body)) throw new SwarmError('internal', `a ${rangeTransferRequest.type} handler was given another message`);
    return turns.run(() => nextBatch(source, body));
  });
}

/**
 * After serving a batch, the source rests this many times as long as the batch took, from the start of
 * building it to the next event-loop turn (so its encoding and sending, and whatever foreground work
 * was waiting, count): transfers take at most about half of a quiet source's event loop, and less of a
 * busy one's.
 */
export const RANGE_TRANSFER_SOURCE_REST_RATIO = 1;
/** The longest rest between two batches, so that a busy source still makes progress. */
export const RANGE_TRANSFER_SOURCE_REST_MS_MAX = 50;

/** Runs tasks one at a time, each after a rest proportional to the previous one's cost. */
class RestingQueue {
  #previous: Promise<unknown> = Promise.resolve();
  #restMs = 0;

  run<T>(task: () => T): Promise<T> {
    let startedMs = 0;
    const result = this.#previous
      .then(() => this.#rest())
      .then(() => {
        startedMs = performance.now();
        return task();
      });
    this.#previous = result
      .catch(() => undefined)
      .then(() => new Promise((resolve) => setImmediate(resolve)))
      .then(() => (this.#restMs = Math.min(RANGE_TRANSFER_SOURCE_REST_MS_MAX, (performance.now() - startedMs) * RANGE_TRANSFER_SOURCE_REST_RATIO)));
    return result;
  }

  #rest(): Promise<void> {
    return new Promise((resolve) => (this.#restMs >= 1 ? setTimeout(resolve, this.#restMs) : setImmediate(resolve)));
  }
}

function nextBatch(source: RangeTransferSource, body: RangeTransferRequestMessage): RangeTransferBatchMessage {
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
  return full && lastKey !== undefined ? { type: 'rangeTransferBatch', records, resumeAfterKey: lastKey } : { type: 'rangeTransferBatch', records };
}
