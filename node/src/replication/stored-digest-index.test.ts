// The on-disk digest index against the in-heap one: over a real LMDB store, whatever was written
// (one by one or in a batch), erased, or written while the index was being built, and whether the data directory had leaves
// before or not, its digests and leaf lists are exactly the heap index's for the same records.

import { afterEach, describe, expect, test } from 'bun:test';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'lmdb';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeKvStoreContract } from '../storage/kv-store.contract';
import { LmdbStore } from '../storage/lmdb';
import type { KvStore } from '../storage';
import { DigestIndex } from './digest-index';
import { leafHasher } from './digest-leaves';
import { splitInterval, type PositionInterval } from './position-interval';
import { StoredDigestIndex } from './stored-digest-index';

const version = (n: number) => `${n.toString(16).padStart(12, '0')}.0000.aaaaaaaaaaaaaaaa`;
const WHOLE_RING: PositionInterval = { start: '0000000000000000', end: '0000000000000000' };
/** Intervals of every size: the ring, 16ths, 256ths (partial buckets), and one wrapping past the top. */
const INTERVALS: PositionInterval[] = [
  WHOLE_RING,
  ...splitInterval(WHOLE_RING, 16),
  ...splitInterval({ start: '3000000000000000', end: '3100000000000000' }, 16),
  { start: 'fff0000000000000', end: '0010000000000000' },
];

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'swarmkv-digest-'));
  dirs.push(dir);
  return dir;
}

const page = (store: KvStore) => (afterKey: string | undefined, limit: number) => store.scan({ limit, includeTombstones: true, ...(afterKey === undefined ? {} : { afterKey }) });

async function put(store: KvStore, key: string, n: number, tombstone = false): Promise<void> {
  await store.write(key, () => ({ key, valueJson: tombstone ? null : String(n), version: version(n), updatedAtMs: n }));
}

/** The heap index of whatever the store holds now: the reference. */
function reference(store: KvStore): DigestIndex {
  const heap = new DigestIndex();
  for (const record of page(store)(undefined, 1_000_000).records) heap.record(record.key, record.version);
  return heap;
}

function expectSame(stored: StoredDigestIndex, heap: DigestIndex): void {
  expect(stored.size).toBe(heap.size);
  for (const interval of INTERVALS) {
    expect(stored.digest(interval)).toEqual(heap.digest(interval));
    expect(stored.versions(interval, 50)).toEqual(heap.versions(interval, 50));
  }
  const afterKey = heap.versions(WHOLE_RING, 10)[9]!.key;
  expect(stored.versionsAfter(WHOLE_RING, afterKey, 20)).toEqual(heap.versionsAfter(WHOLE_RING, afterKey, 20));
}

async function openIndexed(dir: string): Promise<{ store: LmdbStore; index: StoredDigestIndex }> {
  const store = new LmdbStore(dir, 'commit', leafHasher);
  const index = new StoredDigestIndex(store.positions!);
  return { store, index };
}

// The store keeps its contract with the leaves written in its transactions.
describeKvStoreContract('lmdb with digest leaves', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swarmkv-digest-'));
  return {
    open: () => new LmdbStore(dir, 'flush', leafHasher),
    reopen: async (store) => {
      await store.close();
      return new LmdbStore(dir, 'flush', leafHasher);
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe('StoredDigestIndex', () => {
  test('follows writes, overwrites, tombstones and erases, and sums the same after a restart', async () => {
    const dir = freshDir();
    const { store, index } = await openIndexed(dir);
    await index.build(page(store));
    await Promise.all(Array.from({ length: 3000 }, (_, n) => put(store, `key:${n}`, 1)));
    await Promise.all(Array.from({ length: 500 }, (_, n) => put(store, `key:${n * 3}`, 2, n % 2 === 0)));
    for (let n = 0; n < 300; n++) await store.erase(`key:${n * 7}`, store.get(`key:${n * 7}`)!.version);
    const batch = Array.from({ length: 200 }, (_, n) => ({ key: `key:${n * 5}`, decide: () => ({ key: `key:${n * 5}`, valueJson: '4', version: version(4), updatedAtMs: 4 }) }));
    await store.writeMany(batch, { name: 'progress', value: 'x' });
    expectSame(index, reference(store));
    await store.close();
    const reopened = await openIndexed(dir);
    expect(await reopened.index.build(page(reopened.store))).toEqual({ leavesAdded: 0, leaves: reference(reopened.store).size });
    expectSame(reopened.index, reference(reopened.store));
    await reopened.store.close();
  });

  test('writes and erases landing while the leaves are summed are counted once', async () => {
    // Summing goes in key order (LMDB's: code points, where JavaScript's `<` puts an astral character
    // before U+E000), in chunks of 1,500 records: these keys span several chunks and both orders.
    const keyOf = (n: number) => `${['key:', '\u{1F600}:', '\uE000:'][n % 3]}${n}`;
    const dir = freshDir();
    const first = await openIndexed(dir);
    await Promise.all(Array.from({ length: 6000 }, (_, n) => put(first.store, keyOf(n), 1)));
    await first.store.close();
    const { store, index } = await openIndexed(dir);
    let built = false;
    const building = index.build(page(store)).then(() => (built = true));
    // Until the last chunk, every round of writes lands beside one: an overwrite, a tombstone, a new
    // key and an erase in each of the three ranges.
    for (let round = 0; !built; round++) {
      const mutations = [0, 1, 2].map(async (range) => {
        const n = ((round * 7) % 1900) * 3 + range;
        await put(store, keyOf(n), round + 2, round % 4 === 0);
        await put(store, `${keyOf(n)}:new`, 1);
        const erased = keyOf(n + 3000);
        if (store.get(erased) !== undefined) await store.erase(erased, store.get(erased)!.version);
      });
      await Promise.all(mutations);
    }
    await building;
    expectSame(index, reference(store));
    await store.close();
  });

  test('a writer killed with kill -9 mid-write leaves leaves that match its records', async () => {
    const dir = freshDir();
    const writer = spawn(process.execPath, ['run', join(import.meta.dir, 'stored-digest-index.test-harness.ts'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => writer.once('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      writer.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('writing') && resolve());
      writer.once('exit', (code) => reject(new Error(`the writer exited (${code}) before writing`)));
    });
    // Long enough for many more group commits; the kill lands in the middle of one.
    await new Promise((resolve) => setTimeout(resolve, 300));
    writer.kill('SIGKILL');
    await exited;
    const { store, index } = await openIndexed(dir);
    expect((await index.build(page(store))).leavesAdded).toBe(0);
    expect(index.size).toBeGreaterThan(100);
    expectSame(index, reference(store));
    await store.close();
  });

  /** A data directory with 300 records and their leaves, closed: what an older build then opens. */
  async function indexedDirectory(): Promise<string> {
    const dir = freshDir();
    const first = await openIndexed(dir);
    await first.index.build(page(first.store));
    await Promise.all(Array.from({ length: 300 }, (_, n) => put(first.store, `key:${n}`, 1)));
    await first.store.close();
    return dir;
  }

  test('records written by a build from before the index (no leaves) make it rebuild its leaves', async () => {
    const dir = await indexedDirectory();
    // What an older swarmkv does: writes the records sub-database alone.
    const older = open({ path: dir, noSubdir: false, compression: false });
    await older.openDB({ name: 'records' }).put('key:older', [String(2), version(2), 2]);
    await older.close();
    const { store, index } = await openIndexed(dir);
    expect(await index.build(page(store))).toEqual({ leavesAdded: 301, leaves: 301 });
    expectSame(index, reference(store));
    await store.close();
  });

  test('leaves kept by an older build ([version, hash] in `positions`) are dropped, and the slots rebuilt whenever one wrote', async () => {
    const dir = await indexedDirectory();
    // What the previous build does on this directory: a record created and one erased (the count of
    // records stays what the slots count), each with its leaf in its own `positions` sub-database.
    const older = open({ path: dir, noSubdir: false, compression: false });
    const records = older.openDB({ name: 'records' });
    const positions = older.openDB({ name: 'positions' });
    await records.put('key:older', [String(2), version(2), 2]);
    await positions.put(leafHasher.position('key:older') + 'key:older', [version(2), 0, 0]);
    await records.remove('key:7');
    await older.openDB({ name: 'meta' }).put('positions-complete', true);
    await older.close();
    const { store, index } = await openIndexed(dir);
    expect(await index.build(page(store))).toEqual({ leavesAdded: 300, leaves: 300 });
    expectSame(index, reference(store));
    await store.close();
    const legacyAfter = open({ path: dir, noSubdir: false, compression: false });
    expect(legacyAfter.openDB({ name: 'positions' }).getKeysCount()).toBe(0);
    await legacyAfter.close();
  });

  test('a data directory without leaves gets them once; one opened without digests drops them', async () => {
    const dir = freshDir();
    const plain = new LmdbStore(dir, 'commit');
    await Promise.all(Array.from({ length: 2500 }, (_, n) => put(plain, `key:${n}`, 1)));
    await plain.close();
    const { store, index } = await openIndexed(dir);
    const building = index.build(page(store));
    await Promise.all(Array.from({ length: 1000 }, (_, n) => put(store, `key:${n * 2}`, 3)));
    expect((await building).leaves).toBe(2500);
    expectSame(index, reference(store));
    await store.close();
    // A node that keeps no digests writes without leaves: they go, and come back when digests do.
    const unclustered = new LmdbStore(dir, 'commit');
    await put(unclustered, 'key:1', 9);
    await unclustered.erase('key:2', unclustered.get('key:2')!.version);
    await unclustered.close();
    const again = await openIndexed(dir);
    expect(await again.index.build(page(again.store))).toEqual({ leavesAdded: 2499, leaves: 2499 });
    expectSame(again.index, reference(again.store));
    await again.store.close();
  });

  /** What every API token's record is keyed by: a NUL, `swarmkv/token/`, 64 hex digits (a system key). */
  const tokenKey = (n: number) => `\u0000swarmkv/token/${n.toString(16).padStart(64, '0')}`;

  test('system keys (a NUL and 64 more characters, as API tokens are) come back from the slots whole', async () => {
    const dir = freshDir();
    const { store, index } = await openIndexed(dir);
    await index.build(page(store));
    await Promise.all(Array.from({ length: 200 }, (_, n) => put(store, `key:${n}`, 1)));
    await Promise.all(Array.from({ length: 20 }, (_, n) => put(store, tokenKey(n), 1)));
    expectSame(index, reference(store));
    const listed = index.versionsAfter(WHOLE_RING, undefined, 1000).map((entry) => entry.key);
    expect(listed.filter((key) => key.startsWith('\u0000swarmkv/token/')).sort()).toEqual(Array.from({ length: 20 }, (_, n) => tokenKey(n)).sort());
    await store.close();
  });

  test("slots an earlier build wrote in lmdb-js's default key encoding are moved to UTF-8 once, token keys included", async () => {
    const dir = freshDir();
    const first = await openIndexed(dir);
    await first.index.build(page(first.store));
    await Promise.all(Array.from({ length: 50 }, (_, n) => put(first.store, `key:${n}`, 1)));
    await Promise.all(Array.from({ length: 5 }, (_, n) => put(first.store, tokenKey(n), 1)));
    await first.store.close();
    // What the earlier build left: every slot key in the default encoding, and no mark of UTF-8 keys.
    const older = open({ path: dir, noSubdir: false, compression: false });
    const raw = older.openDB<Buffer, Buffer>({ name: 'leaf-slots', keyEncoding: 'binary', encoding: 'binary' });
    const slotKeys = [...raw.getKeys()].map((bytes) => Buffer.from(bytes).toString('utf8'));
    await raw.clearAsync();
    const defaultEncoded = older.openDB<Buffer, string>({ name: 'leaf-slots', encoding: 'binary' });
    for (const slot of slotKeys) await defaultEncoded.put(slot, Buffer.alloc(0));
    await older.openDB({ name: 'meta' }).remove('key-encoding-utf8:leaf-slots');
    await older.close();
    const { store, index } = await openIndexed(dir);
    expect(await index.build(page(store))).toEqual({ leavesAdded: 0, leaves: 55 });
    expectSame(index, reference(store));
    expect(index.versionsAfter(WHOLE_RING, undefined, 100).map((entry) => entry.key).filter((key) => key.startsWith('\u0000'))).toHaveLength(5);
    await store.close();
  });
});
