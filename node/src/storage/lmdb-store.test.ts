import { expect, test } from 'bun:test';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeKvStoreContract } from './kv-store.contract';
import { LmdbStore } from './lmdb-store';

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
    const version = (index: number) => `${String(index).padStart(12, '0')}.0000.aaaaaaaaaaaaaaaa`;
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
