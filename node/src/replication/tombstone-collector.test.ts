// Tombstones are collected past the grace period, a batch at a time; a node away past it starts empty.
import { expect, test } from 'bun:test';
import { ManualClock } from '../clock';
import { createLogger } from '../log';
import { MemoryStore, type StoredRecord } from '../storage';
import { formatVersion } from '../version';
import { AliveMarker, ALIVE_MARK_META, discardIfStale } from './stale-data';
import { TOMBSTONE_SWEEP_BATCH_RECORDS, TombstoneCollector } from './tombstone-collector';

const GRACE_MS = 60_000;
const logger = createLogger('silent');

function record(key: string, valueJson: string | null, wallMs: number): StoredRecord {
  return { key, valueJson, version: formatVersion({ wallMs, logical: 0, nodeId: 'aaaaaaaaaaaaaaaa' }), updatedAtMs: wallMs };
}

test('tombstones older than the grace period are erased; younger ones and live values stay', async () => {
  const clock = new ManualClock(10_000_000);
  const store = new MemoryStore();
  await store.write('old-tombstone', () => record('old-tombstone', null, clock.nowMs() - GRACE_MS - 1));
  await store.write('young-tombstone', () => record('young-tombstone', null, clock.nowMs() - GRACE_MS + 1000));
  await store.write('old-value', () => record('old-value', '1', clock.nowMs() - 10 * GRACE_MS));
  const collector = new TombstoneCollector({ store, clock, graceMs: GRACE_MS, logger });
  expect(await collector.sweepBatch()).toBe(1);
  expect(store.get('old-tombstone')).toBeUndefined();
  expect(store.get('young-tombstone')).toBeDefined();
  expect(store.get('old-value')).toBeDefined();
  clock.advance(2000);
  expect(await collector.sweepBatch()).toBe(1);
  expect(store.stats()).toMatchObject({ liveKeys: 1, tombstones: 0 });
  await collector.close();
});

test('a sweep over more records than one batch continues where the last batch stopped, then wraps', async () => {
  const clock = new ManualClock(10_000_000);
  const store = new MemoryStore();
  const count = TOMBSTONE_SWEEP_BATCH_RECORDS + 500;
  for (let index = 0; index < count; index++) {
    const key = `k${String(index).padStart(5, '0')}`;
    await store.write(key, () => record(key, index % 2 === 0 ? null : '1', clock.nowMs() - 2 * GRACE_MS));
  }
  const collector = new TombstoneCollector({ store, clock, graceMs: GRACE_MS, logger });
  const first = await collector.sweepBatch();
  expect(first).toBeLessThanOrEqual(TOMBSTONE_SWEEP_BATCH_RECORDS);
  let total = first;
  for (let batch = 0; batch < 4 && total < count / 2; batch++) total += await collector.sweepBatch();
  expect(total).toBe(count / 2);
  expect(store.stats().tombstones).toBe(0);
});

test('a store whose alive mark is older than the grace period is emptied; a recent mark keeps it', async () => {
  const clock = new ManualClock(10_000_000);
  const store = new MemoryStore();
  await store.write('v', () => record('v', '1', clock.nowMs()));
  await store.write('t', () => record('t', null, clock.nowMs()));
  expect(await discardIfStale({ store, clock, graceMs: GRACE_MS, logger })).toBe(0); // never marked: a new node
  const marker = new AliveMarker({ store, clock, graceMs: GRACE_MS, logger });
  await marker.start();
  await marker.close();
  expect(store.getMeta(ALIVE_MARK_META)).toBe(String(clock.nowMs()));
  clock.advance(GRACE_MS);
  expect(await discardIfStale({ store, clock, graceMs: GRACE_MS, logger })).toBe(0);
  clock.advance(1);
  expect(await discardIfStale({ store, clock, graceMs: GRACE_MS, logger })).toBe(2);
  expect(store.stats()).toMatchObject({ liveKeys: 0, tombstones: 0 });
});
