import { expect, test } from 'bun:test';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeKvStoreContract } from './kv-store.contract';
import { open } from 'lmdb';
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

test('records written in the first (msgpack) layout are read, listed and rewritten in the fixed layout', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'swarmkv-lmdb-'));
  const version = '000000000001.0000.aaaaaaaaaaaaaaaa';
  try {
    // As a build before the fixed layout wrote them: lmdb-js's default (msgpack) encoding of an array.
    const root = open({ path: dir, noSubdir: false, compression: false });
    const legacy = root.openDB<[string | null, string, number], string>({ name: 'records' });
    await legacy.put('live', ['{"a":"é"}', version, 1_700_000_000_000]);
    await legacy.put('gone', [null, version, 5]);
    await root.close();

    const store = new LmdbStore(dir, 'flush');
    expect(store.get('live')).toEqual({ key: 'live', valueJson: '{"a":"é"}', version, updatedAtMs: 1_700_000_000_000 });
    expect(store.get('gone')).toEqual({ key: 'gone', valueJson: null, version, updatedAtMs: 5 });
    expect(store.scan({ limit: 10, includeTombstones: true }).records.map((record) => record.key)).toEqual(['gone', 'live']);
    const newer = '000000000002.0000.aaaaaaaaaaaaaaaa';
    await store.write('live', () => ({ key: 'live', valueJson: '"🚀"', version: newer, updatedAtMs: 2 }));
    expect(store.get('live')).toEqual({ key: 'live', valueJson: '"🚀"', version: newer, updatedAtMs: 2 });
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
