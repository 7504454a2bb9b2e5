// The answering end of a range transfer, against a real digest index and store, through the peer
// codecs: a batch is read in slices with the event loop free between them, yet pages through an
// interval exactly as one read would (position order, every record once, the bounds on records and
// bytes, keys erased since the index listed them passed over).

import { expect, test } from 'bun:test';
import { SwarmError } from '../errors';
import { MemoryStore, type StoredRecord } from '../storage';
import type { PeerMessage, RpcHandler } from '../transport';
import { formatVersion } from '../version';
import { roundTrip } from './codec-round-trip.test-harness';
import { DigestIndex } from './digest-index';
import { DigestTrackingStore } from './digest-tracking-store';
import { RANGE_TRANSFER_WIRE_KEYS_MAX, rangeTransferBatch, type RangeTransferBatchMessage } from './range-transfer-messages';
import { RANGE_TRANSFER_BATCH_BYTES_MAX, RANGE_TRANSFER_SLICE_RECORDS, serveRangeTransfers, transferBytesOf, type RangeTransferSource } from './range-transfer-server';

const NODE = '00000000000000a0';
const KEYS = RANGE_TRANSFER_SLICE_RECORDS * 7 + 13;
const WHOLE_RING = { start: '0000000000000000', end: '0000000000000000' };

const record = (key: string, valueJson: string | null = `"${key}"`): StoredRecord => ({ key, valueJson, version: formatVersion({ wallMs: 10, logical: 0, nodeId: NODE }), updatedAtMs: 10 });

async function storeOf(keys: number, valueJson?: string): Promise<DigestTrackingStore> {
  const store = new DigestTrackingStore(new MemoryStore(), new DigestIndex());
  await store.writeMany(Array.from({ length: keys }, (_, index) => ({ key: `k${index}`, decide: () => record(`k${index}`, valueJson) })));
  return store;
}

function serverOf(source: RangeTransferSource): (body: PeerMessage) => Promise<RangeTransferBatchMessage> {
  let handler: RpcHandler | undefined;
  serveRangeTransfers({ serve: (_type, served) => void (handler = served) }, source);
  return async (body) => {
    if (handler === undefined) throw new SwarmError('internal', 'no range transfer handler');
    const answer = roundTrip(await handler(NODE, roundTrip(body)));
    if (!rangeTransferBatch.is(answer)) throw new SwarmError('internal', `answered ${answer.type}`);
    return answer;
  };
}

/** Every batch of the whole ring, `limit` records asked for each time. */
async function pageThrough(serve: (body: PeerMessage) => Promise<RangeTransferBatchMessage>, limit: number): Promise<RangeTransferBatchMessage[]> {
  const batches: RangeTransferBatchMessage[] = [];
  let afterKey: string | undefined;
  do {
    const batch = await serve({ type: 'rangeTransferRequest', interval: WHOLE_RING, limit, ...(afterKey === undefined ? {} : { afterKey }) });
    batches.push(batch);
    afterKey = batch.resumeAfterKey;
  } while (afterKey !== undefined);
  return batches;
}

test('batches read in slices page through the interval in position order, every record once', async () => {
  const store = await storeOf(KEYS);
  const batches = await pageThrough(serverOf({ index: store.index, get: (key) => store.get(key) }), RANGE_TRANSFER_SLICE_RECORDS * 5);
  expect(batches.map((batch) => batch.records.length)).toEqual([RANGE_TRANSFER_SLICE_RECORDS * 5, KEYS - RANGE_TRANSFER_SLICE_RECORDS * 5]);
  const streamed = batches.flatMap((batch) => batch.records.map((streamedRecord) => streamedRecord.key));
  expect(streamed).toEqual(store.index.versions(WHOLE_RING, KEYS + 1).map((entry) => entry.key));
  expect(batches[0]!.resumeAfterKey).toBe(batches[0]!.records.at(-1)!.key);
});

test('a batch asking for exactly the records left says the interval is done', async () => {
  const store = await storeOf(KEYS);
  const batches = await pageThrough(serverOf({ index: store.index, get: (key) => store.get(key) }), KEYS);
  expect(batches).toHaveLength(1);
  expect(batches[0]!.records).toHaveLength(KEYS);
  expect(batches[0]!.resumeAfterKey).toBeUndefined();
});

test('a batch stops before the byte bound, and the next resumes after its last record', async () => {
  const value = JSON.stringify('v'.repeat(4000));
  const store = await storeOf(KEYS, value);
  const batches = await pageThrough(serverOf({ index: store.index, get: (key) => store.get(key) }), RANGE_TRANSFER_WIRE_KEYS_MAX);
  const perBatch = Math.floor(RANGE_TRANSFER_BATCH_BYTES_MAX / transferBytesOf(record('k100', value)));
  expect(batches[0]!.records.length).toBeGreaterThanOrEqual(perBatch - 1);
  for (const batch of batches) expect(batch.records.reduce((sum, streamed) => sum + transferBytesOf(streamed), 0)).toBeLessThanOrEqual(RANGE_TRANSFER_BATCH_BYTES_MAX);
  expect(batches.flatMap((batch) => batch.records)).toHaveLength(KEYS);
});

test('keys the index lists but the store no longer holds are passed over, and count toward the limit', async () => {
  const store = await storeOf(KEYS);
  const erased = new Set(store.index.versions(WHOLE_RING, KEYS).filter((_, index) => index % 3 === 0).map((entry) => entry.key));
  const serve = serverOf({ index: store.index, get: (key) => (erased.has(key) ? undefined : store.get(key)) });
  const first = await serve({ type: 'rangeTransferRequest', interval: WHOLE_RING, limit: 300 });
  expect(first.records).toHaveLength(200);
  const streamed = (await pageThrough(serve, 300)).flatMap((batch) => batch.records);
  expect(streamed).toHaveLength(KEYS - erased.size);
  expect(streamed.some((streamedRecord) => erased.has(streamedRecord.key))).toBe(false);
});

test('the event loop runs other work between the slices of one batch', async () => {
  const store = await storeOf(KEYS);
  let reads = 0;
  const serve = serverOf({
    index: store.index,
    get: (key) => {
      reads++;
      return store.get(key);
    },
  });
  const answered = serve({ type: 'rangeTransferRequest', interval: WHOLE_RING, limit: RANGE_TRANSFER_WIRE_KEYS_MAX });
  // Work queued meanwhile (a foreground request) runs once the first slice is read, not after the batch.
  const readsWhenServed = await new Promise<number>((resolve) => setImmediate(() => resolve(reads)));
  const batch = await answered;
  expect(readsWhenServed).toBeGreaterThanOrEqual(RANGE_TRANSFER_SLICE_RECORDS);
  expect(readsWhenServed).toBeLessThan(batch.records.length);
});

test('a request for as many records as earlier versions asked for is accepted; one more is refused', () => {
  const asked = (limit: number) => ({ type: 'rangeTransferRequest', interval: WHOLE_RING, limit });
  expect(roundTrip(asked(RANGE_TRANSFER_WIRE_KEYS_MAX))).toEqual(asked(RANGE_TRANSFER_WIRE_KEYS_MAX));
  expect(() => roundTrip(asked(RANGE_TRANSFER_WIRE_KEYS_MAX + 1))).toThrow(`limit must be 1..${RANGE_TRANSFER_WIRE_KEYS_MAX}`);
});
