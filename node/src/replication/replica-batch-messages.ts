// Many replica writes to one node in one message (codes 82, 83): what a leaving or stopping node hands
// over, and the hints a stand-in delivers, go a batch per successor instead of a message per record.
// Each record is merged as a replicaWrite would be (newer version wins), all in one store transaction;
// with `hintFor`, all are kept as hints owed to that node. The answer counts the records applied.

import { defineMessage, WireRejection } from '../wire';
import { NODE_ID_HEX_DIGITS } from '../version';
import { readRecord, type WireRecord } from './replica-messages';
import { transferBytesOf } from './range-transfer-server';

/** Records in one batch at most. */
export const REPLICA_WRITE_BATCH_RECORDS_MAX = 1000;
/**
 * A batch's records take at most about this many bytes (as transferBytesOf counts them, which is more
 * than they take on the wire), except a batch of one record, which fits a frame on its own.
 */
export const REPLICA_WRITE_BATCH_BYTES_MAX = 256 * 1024;

export type ReplicaWriteBatchMessage = { readonly type: 'replicaWriteBatch'; readonly records: WireRecord[]; readonly hintFor?: string };
export type ReplicaWriteBatchAckMessage = { readonly type: 'replicaWriteBatchAck'; readonly applied: number };

export const replicaWriteBatch = defineMessage<ReplicaWriteBatchMessage>('replicaWriteBatch', (fields) => {
  const records = fields.list('records', REPLICA_WRITE_BATCH_RECORDS_MAX, readRecord);
  if (records.length === 0) throw new WireRejection('records is empty');
  const bytes = records.reduce((sum, record) => sum + transferBytesOf(record), 0);
  if (records.length > 1 && bytes > REPLICA_WRITE_BATCH_BYTES_MAX) throw new WireRejection(`records exceed ${REPLICA_WRITE_BATCH_BYTES_MAX} bytes`);
  const hintFor = fields.optional('hintFor', (present) => present.hex('hintFor', NODE_ID_HEX_DIGITS / 2));
  return hintFor === undefined ? { records } : { records, hintFor };
});

export const replicaWriteBatchAck = defineMessage<ReplicaWriteBatchAckMessage>('replicaWriteBatchAck', (fields) => ({
  applied: fields.integer('applied', { min: 0, max: REPLICA_WRITE_BATCH_RECORDS_MAX }),
}));

/** Splits records into batches within both bounds, in order. */
export function batchesOf<T extends WireRecord | { readonly key: string; readonly valueJson: string | null }>(records: readonly T[]): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = transferBytesOf(record as Parameters<typeof transferBytesOf>[0]);
    if (current.length > 0 && (current.length >= REPLICA_WRITE_BATCH_RECORDS_MAX || bytes + size > REPLICA_WRITE_BATCH_BYTES_MAX)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(record);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
