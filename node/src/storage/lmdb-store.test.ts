import { expect, test } from 'bun:test';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeKvStoreContract } from './kv-store.contract';
import { LmdbStore } from './lmdb-store';

const version = (index: number) => `${String(index).padStart(12, '0')}.0000.aaaaaaaaaaaaaaaa`;

describeKvStoreContract('lmdb', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swarmkv-lmdb-'));
  return {
    open: () => new LmdbStore(dir, 'flush'),
    reopen: async (store) => {
      await store.close();
      return new LmdbStore(dir, 'flush');
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
});

test('lmdb reports the bytes its pages occupy', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'swarmkv-lmdb-'));
  const store = new LmdbStore(dir, 'commit');
  for (let index = 0; index < 200; index++) {
    await store.write(`k${index}`, () => ({ key: `k${index}`, valueJson: JSON.stringify('x'.repeat(100)), version: '000000000001.0000.aaaaaaaaaaaaaaaa', updatedAtMs: 1 }));
  }
  expect(store.stats().bytes).toBeGreaterThan(200 * 100);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a data directory whose name has a dot is used as a directory, and reopens with its data', async () => {
  const parent = mkdtempSync(join(tmpdir(), 'swarmkv-lmdb-'));
  const dir = join(parent, 'node.1');
  try {
    const store = new LmdbStore(dir, 'flush');
    await store.write('k', () => ({ key: 'k', valueJson: '1', version: '000000000001.0000.aaaaaaaaaaaaaaaa', updatedAtMs: 1 }));
    await store.close();
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(readdirSync(dir)).toContain('data.mdb');
    const reopened = new LmdbStore(dir, 'flush');
    expect(reopened.get('k')?.valueJson).toBe('1');
    await reopened.close();
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});

test('writes arriving one per event turn share transactions, each answered with its own outcome', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'swarmkv-lmdb-'));
  const store = new LmdbStore(dir, 'flush');
  try {
    const writes: Promise<unknown>[] = [];
    const transactionsBefore = store.committedTransactions();
    for (let index = 0; index < 60; index++) {
      // One write per turn, as replica writes arrive from peers (each frame its own turn).
      const key = `k${index % 20}`;
      const record = { key, valueJson: String(index), version: version(index), updatedAtMs: 1 };
      writes.push(store.write(key, (current) => (current !== undefined && current.version >= record.version ? undefined : record)));
      if (index === 30) {
        const refused = store.write('bad', () => {
          throw new Error('a refused decision');
        });
        writes.push(refused.catch((error: unknown) => String(error)));
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    const outcomes = await Promise.all(writes);
    expect(outcomes).toContain('Error: a refused decision');
    expect(store.get('bad')).toBeUndefined();
    for (let key = 0; key < 20; key++) expect(store.get(`k${key}`)?.valueJson).toBe(String(40 + key));
    expect(store.stats().liveKeys).toBe(20);
    const transactions = store.committedTransactions() - transactionsBefore;
    expect(transactions).toBeGreaterThan(0);
    // At least two writes per transaction on average (1-4 transactions for the 61 writes, measured).
    expect(transactions).toBeLessThanOrEqual(30);
    await store.close();
    const reopened = new LmdbStore(dir, 'flush');
    expect(reopened.get('k19')?.valueJson).toBe('59');
    expect(reopened.stats().liveKeys).toBe(20);
    await reopened.close();
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('reads interleaved with writes and erases in flight never leave the read cache behind what was written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'swarmkv-lmdb-'));
  const store = new LmdbStore(dir, 'flush');
  try {
    let seed = 7;
    const next = (below: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % below;
    };
    const pending: Promise<unknown>[] = [];
    const latest = new Map<string, string | undefined>();
    for (let index = 1; index <= 400; index++) {
      const key = `k${next(8)}`;
      const roll = next(10);
      if (roll < 4) {
        const written = { key, valueJson: String(index), version: version(index), updatedAtMs: index };
        latest.set(key, written.valueJson);
        pending.push(store.write(key, () => written));
      } else if (roll === 4) {
        const current = store.get(key);
        if (current !== undefined && latest.get(key) === current.valueJson) {
          latest.set(key, undefined);
          pending.push(store.erase(key, current.version));
        }
      } else {
        store.get(key);
      }
      // Reads land before, inside and after the transactions: some turns end here, some do not.
      if (next(3) === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(pending);
    for (let key = 0; key < 8; key++) expect(store.get(`k${key}`)?.valueJson).toBe(latest.get(`k${key}`));
    await store.close();
    const reopened = new LmdbStore(dir, 'flush');
    for (let key = 0; key < 8; key++) expect(reopened.get(`k${key}`)?.valueJson).toBe(latest.get(`k${key}`));
    await reopened.close();
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a key read on every turn while its write is in flight reads the write once it has settled', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'swarmkv-lmdb-'));
  const store = new LmdbStore(dir, 'flush');
  try {
    for (let index = 1; index <= 20; index++) {
      let settled = false;
      const seen = new Set<string | null | undefined>();
      const write = store.write('k', () => ({ key: 'k', valueJson: String(index), version: version(index), updatedAtMs: index })).then(() => (settled = true));
      while (!settled) {
        seen.add(store.get('k')?.valueJson);
        await new Promise((resolve) => setImmediate(resolve));
      }
      await write;
      expect(store.get('k')?.valueJson).toBe(String(index));
      // Each value seen while the write was in flight was the one before it or the one it wrote.
      for (const value of seen) expect([String(index - 1), String(index), undefined] as (string | null | undefined)[]).toContain(value);
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writes to one key that share a transaction each decide against the one before, not a cached read', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'swarmkv-lmdb-'));
  const store = new LmdbStore(dir, 'flush');
  try {
    // The absence is read (and cached) first; both writes are queued in one turn, so they share a commit.
    expect(store.get('fresh')).toBeUndefined();
    const seenBySecond: (string | null | undefined)[] = [];
    const first = store.write('fresh', () => ({ key: 'fresh', valueJson: '1', version: version(1), updatedAtMs: 1 }));
    const second = store.write('fresh', (current) => {
      seenBySecond.push(current?.valueJson);
      return { key: 'fresh', valueJson: '2', version: version(2), updatedAtMs: 2 };
    });
    await Promise.all([first, second]);
    expect(seenBySecond).toEqual(['1']);
    expect(store.get('fresh')?.valueJson).toBe('2');
    expect(store.stats().liveKeys).toBe(1);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
