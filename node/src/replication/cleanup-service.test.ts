// Clean-up deletes a copy this node no longer owns only once every owner holds that version or a newer
// one; it sends its copy to an owner that lacks it, keeps what it cannot check, and never touches a key
// it owns.
import { expect, test } from 'bun:test';
import { ManualClock } from '../clock';
import { createLogger } from '../log';
import { MemoryStore, type StoredRecord } from '../storage';
import { formatVersion } from '../version';
import { CleanupService } from './cleanup-service';
import { LocalReplica } from './local-replica';
import type { Replica } from './replica';

const SELF = '00000000000000a0';
const OWNER = '00000000000000b1';
const GRACE_MS = 1000;

function record(key: string, wallMs: number): StoredRecord {
  return { key, valueJson: JSON.stringify(key), version: formatVersion({ wallMs, logical: 0, nodeId: SELF }), updatedAtMs: wallMs };
}

async function storeWith(records: StoredRecord[]): Promise<MemoryStore> {
  const store = new MemoryStore();
  for (const entry of records) await store.write(entry.key, () => entry);
  return store;
}

test('a copy no longer owned goes once every owner holds it; lacking owners get it; unreachable ones keep it', async () => {
  const clock = new ManualClock(5_000_000);
  const mine = await storeWith([record('held', 100), record('lacking', 100), record('unreachable', 100), record('owned', 100), record('newer-here', 200)]);
  const ownerStore = await storeWith([record('held', 100), record('newer-here', 150)]);
  const owner = new LocalReplica(OWNER, ownerStore);
  const cleanup = new CleanupService({
    selfId: SELF,
    store: mine,
    owners: (key) => (key === 'owned' ? [SELF, OWNER] : key === 'unreachable' ? ['00000000000000c2'] : [OWNER]),
    ringDigest: () => 'ring',
    ringSettled: () => true,
    directory: { replica: (id: string): Replica | undefined => (id === OWNER ? owner : undefined) },
    logger: createLogger('silent'),
    nowMs: () => clock.nowMs(),
    graceMs: GRACE_MS,
    tickMs: 10,
    batchMax: 100,
    readsInFlightMax: 4,
  });
  await cleanup.tick();
  expect(mine.stats().liveKeys).toBe(5);
  clock.advance(GRACE_MS);
  await cleanup.tick();
  expect(mine.get('held')).toBeUndefined();
  expect(mine.get('owned')).toBeDefined();
  expect(mine.get('unreachable')).toBeDefined();
  // Sent to the owner, kept until the next sweep sees it there.
  expect(ownerStore.get('lacking')?.version).toBe(record('lacking', 100).version);
  expect(ownerStore.get('newer-here')?.version).toBe(record('newer-here', 200).version);
  expect(mine.get('lacking')).toBeDefined();
  await cleanup.tick();
  expect(mine.get('lacking')).toBeUndefined();
  expect(mine.get('newer-here')).toBeUndefined();
  expect(cleanup.keysDeleted).toBe(3);
  await cleanup.close();
});

test('nothing is deleted while the ring is changing, nor within the grace period after', async () => {
  const clock = new ManualClock(5_000_000);
  const mine = await storeWith([record('held', 100)]);
  const owner = new LocalReplica(OWNER, await storeWith([record('held', 100)]));
  let settled = false;
  const cleanup = new CleanupService({
    selfId: SELF, store: mine, owners: () => [OWNER], ringDigest: () => 'ring', ringSettled: () => settled,
    directory: { replica: () => owner }, logger: createLogger('silent'), nowMs: () => clock.nowMs(),
    graceMs: GRACE_MS, tickMs: 10, batchMax: 100, readsInFlightMax: 4,
  });
  clock.advance(10 * GRACE_MS);
  await cleanup.tick();
  settled = true;
  await cleanup.tick();
  clock.advance(GRACE_MS - 1);
  await cleanup.tick();
  expect(mine.get('held')).toBeDefined();
  clock.advance(1);
  await cleanup.tick();
  expect(mine.get('held')).toBeUndefined();
});
