// The range-transfer protocol (codes 80, 81): a joining owner pulls an interval of ring positions from
// a current replica, one bounded batch of whole records at a time, in position order. It names where to
// resume (the last key it stored), so a transfer interrupted on either side continues where it was.

import { defineMessage } from '../wire';
import type { PositionInterval } from './position-interval';
import { readKey, readRecord, type WireRecord } from './replica-messages';

/**
 * Records per batch a joiner asks for: the source builds and sends a batch in one go (encoding,
 * encryption), so its size is a stretch its own clients may wait behind.
 */
export const RANGE_TRANSFER_BATCH_KEYS_MAX = 500;
/** Records per batch a message may ask for or carry: what earlier versions asked for, still accepted. */
export const RANGE_TRANSFER_WIRE_KEYS_MAX = 1000;
const POSITION_PATTERN = /^[0-9a-f]{16}$/;

export type RangeTransferRequestMessage = {
  readonly type: 'rangeTransferRequest';
  readonly interval: PositionInterval;
  /** The last key of the previous batch; absent for the first. */
  readonly afterKey?: string;
  readonly limit: number;
};

/** `resumeAfterKey` is absent once the interval is exhausted. Tombstones travel too: a delete is data. */
export type RangeTransferBatchMessage = { readonly type: 'rangeTransferBatch'; readonly records: WireRecord[]; readonly resumeAfterKey?: string };

export const rangeTransferRequest = defineMessage<RangeTransferRequestMessage>('rangeTransferRequest', (fields) => {
  const interval = fields.object('interval');
  const start = interval.string('start', { charsMin: 16, charsMax: 16, pattern: POSITION_PATTERN });
  const end = interval.string('end', { charsMin: 16, charsMax: 16, pattern: POSITION_PATTERN });
  const afterKey = fields.optional('afterKey', (present) => readKey(present, 'afterKey'));
  const limit = fields.integer('limit', { min: 1, max: RANGE_TRANSFER_WIRE_KEYS_MAX });
  return afterKey === undefined ? { interval: { start, end }, limit } : { interval: { start, end }, afterKey, limit };
});

export const rangeTransferBatch = defineMessage<RangeTransferBatchMessage>('rangeTransferBatch', (fields) => {
  const records = fields.list('records', RANGE_TRANSFER_WIRE_KEYS_MAX, readRecord);
  const resumeAfterKey = fields.optional('resumeAfterKey', (present) => readKey(present, 'resumeAfterKey'));
  return resumeAfterKey === undefined ? { records } : { records, resumeAfterKey };
});
