// Batches asked for ahead of the merges, from a real source end (digest index, store, codecs): in
// order, every record once, at most RANGE_TRANSFER_BATCHES_AHEAD_MAX waiting, those that arrived
// together taken together within RANGE_TRANSFER_MERGE_RECORDS_MAX, and a failed request reported
// after the batches before it (and never as an unhandled rejection when no one takes it).

import { expect, test } from 'bun:test';
import { SwarmError } from '../errors';
import { MemoryStore } from '../storage';
import type { RpcHandler } from '../transport';
import { formatVersion } from '../version';
import { roundTrip } from './codec-round-trip.test-harness';
import { DigestIndex } from './digest-index';
import { DigestTrackingStore } from './digest-tracking-store';
import { rangeTransferBatch, type RangeTransferBatchMessage } from './range-transfer-messages';
import { RANGE_TRANSFER_BATCHES_AHEAD_MAX, RANGE_TRANSFER_MERGE_RECORDS_MAX, RangeTransferPrefetch, type AskBatch } from './range-transfer-prefetch';
import { serveRangeTransfers } from './range-transfer-server';

const NODE = '00000000000000a0';
/** Batches a fifth of the merge bound, as the 256 KiB byte bound makes them for values of ~1 KiB: several fit one merge. */
const BATCH_RECORDS = RANGE_TRANSFER_MERGE_RECORDS_MAX / 5;
const KEYS = BATCH_RECORDS * 5 + 17;
const BATCHES = 6;
const WHOLE_RING = { start: '0000000000000000', end: '0000000000000000' };
const WAIT_MS_MAX = 5000;

async function source(): Promise<{ ask: AskBatch; asked: () => number; answered: () => number }> {
  const store = new DigestTrackingStore(new MemoryStore(), new DigestIndex());
  const version = formatVersion({ wallMs: 10, logical: 0, nodeId: NODE });
  await store.writeMany(Array.from({ length: KEYS }, (_, index) => ({ key: `k${index}`, decide: () => ({ key: `k${index}`, valueJson: '1', version, updatedAtMs: 10 }) })));
  let handler: RpcHandler | undefined;
  serveRangeTransfers({ serve: (_type, served) => void (handler = served) }, { index: store.index, get: (key) => store.get(key) });
  let asked = 0;
  let answered = 0;
  const ask: AskBatch = async (afterKey) => {
    asked++;
    const body = { type: 'rangeTransferRequest', interval: WHOLE_RING, limit: BATCH_RECORDS, ...(afterKey === undefined ? {} : { afterKey }) };
    const answer = roundTrip(await handler!(NODE, roundTrip(body)));
    if (!rangeTransferBatch.is(answer)) throw new SwarmError('internal', `answered ${answer.type}`);
    answered++;
    return answer;
  };
  return { ask, asked: () => asked, answered: () => answered };
}

async function until(what: string, condition: () => boolean): Promise<void> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > WAIT_MS_MAX) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('batches that arrived during a merge are taken together, every record once', async () => {
  const { ask, answered } = await source();
  const prefetch = new RangeTransferPrefetch(ask, undefined);
  const takes: RangeTransferBatchMessage[][] = [];
  for (let batches = await prefetch.take(); batches !== undefined; batches = await prefetch.take()) {
    takes.push(batches);
    // A slow merge: the batches asked for ahead arrive meanwhile.
    await until('the batches ahead', () => answered() === Math.min(BATCHES, takes.flat().length + RANGE_TRANSFER_BATCHES_AHEAD_MAX));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const keys = takes.flat().flatMap((batch) => batch.records.map((record) => record.key));
  expect(new Set(keys).size).toBe(KEYS);
  expect(keys).toHaveLength(KEYS);
  expect(takes.length).toBeLessThan(BATCHES);
  for (const batches of takes.slice(1)) expect(batches.flatMap((batch) => batch.records).length).toBeLessThanOrEqual(RANGE_TRANSFER_MERGE_RECORDS_MAX);
  expect(takes.some((batches) => batches.length > 1)).toBe(true);
});

test('no more than RANGE_TRANSFER_BATCHES_AHEAD_MAX batches wait untaken', async () => {
  const { ask, asked } = await source();
  const prefetch = new RangeTransferPrefetch(ask, undefined);
  await until('the first batches', () => asked() === RANGE_TRANSFER_BATCHES_AHEAD_MAX);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(asked()).toBe(RANGE_TRANSFER_BATCHES_AHEAD_MAX);
  expect((await prefetch.take())!.length).toBe(RANGE_TRANSFER_BATCHES_AHEAD_MAX);
  await until('asking again', () => asked() === RANGE_TRANSFER_BATCHES_AHEAD_MAX + 1);
});

test('a failed request is reported after the batches before it are taken', async () => {
  const { ask } = await source();
  let calls = 0;
  const failingSecond: AskBatch = (afterKey) => (calls++ === 1 ? Promise.reject(new SwarmError('unavailable', 'the source went away')) : ask(afterKey));
  const prefetch = new RangeTransferPrefetch(failingSecond, undefined);
  await until('both requests settled', () => calls === 2);
  expect((await prefetch.take())!.length).toBe(1);
  await expect(prefetch.take()).rejects.toThrow('the source went away');
});

test('a request failing while no one takes is no unhandled rejection', async () => {
  let rejected = false;
  const prefetch = new RangeTransferPrefetch(async () => {
    rejected = true;
    throw new SwarmError('unavailable', 'the node is stopping');
  }, undefined);
  await until('the request to fail', () => rejected);
  await new Promise((resolve) => setTimeout(resolve, 10));
  await expect(prefetch.take()).rejects.toThrow('the node is stopping');
});
