// One behaviour suite every storage engine runs: the memory engine must never disagree with LMDB.
import { describe, expect, test, beforeEach, afterEach } from 'bun:test';
import type { KvStore } from './kv-store';
import type { StoredRecord } from './stored-record';

export interface StoreFixture {
  open(): KvStore;
  /** Closes and opens the same store again, or undefined for an engine that does not persist. */
  reopen?(store: KvStore): Promise<KvStore>;
  cleanup(): void;
}

const record = (key: string, valueJson: string | null, version = '000000000001.0000.aaaaaaaaaaaaaaaa'): StoredRecord => ({
  key,
  valueJson,
  version,
  updatedAtMs: 1,
});

export function describeKvStoreContract(name: string, makeFixture: () => StoreFixture): void {
  describe(`${name} store contract`, () => {
    let fixture: StoreFixture;
    let store: KvStore;

    beforeEach(() => {
      fixture = makeFixture();
      store = fixture.open();
    });
    afterEach(async () => {
      await store.close();
      fixture.cleanup();
    });

    test('a written record reads back exactly; a missing key reads undefined', async () => {
      const written = await store.write('k', () => record('k', '{"a":[1,2]}'));
      expect(written).toEqual(record('k', '{"a":[1,2]}'));
      expect(store.get('k')).toEqual(record('k', '{"a":[1,2]}'));
      expect(store.get('missing')).toBeUndefined();
    });

    test('the decision sees the current record and may decline to write', async () => {
      await store.write('k', () => record('k', '1'));
      let seen: StoredRecord | undefined;
      const result = await store.write('k', (current) => {
        seen = current;
        return undefined;
      });
      expect(seen?.valueJson).toBe('1');
      expect(result).toBeUndefined();
      expect(store.get('k')?.valueJson).toBe('1');
    });

    test('a decision that throws writes nothing and rejects with its error', async () => {
      await store.write('k', () => record('k', '1'));
      await expect(
        store.write('k', () => {
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(store.get('k')?.valueJson).toBe('1');
    });

    test('concurrent writes in one turn each see the previous one (atomic read-modify-write)', async () => {
      const increments = Array.from({ length: 50 }, () =>
        store.write('counter', (current) => record('counter', String(Number(current?.valueJson ?? '0') + 1))),
      );
      await Promise.all(increments);
      expect(store.get('counter')?.valueJson).toBe('50');
    });

    test('writeMany applies every decision in order, each seeing the earlier ones, and returns what it wrote', async () => {
      await store.write('kept', () => record('kept', '"old"'));
      const written = await store.writeMany([
        { key: 'a', decide: () => record('a', '1') },
        { key: 'kept', decide: () => undefined },
        { key: 'a', decide: (current) => record('a', String(Number(current?.valueJson) + 1)) },
        { key: 'gone', decide: () => record('gone', null) },
      ]);
      expect(written).toEqual([record('a', '1'), undefined, record('a', '2'), record('gone', null)]);
      expect(store.get('a')?.valueJson).toBe('2');
      expect(store.get('kept')?.valueJson).toBe('"old"');
      expect(store.stats()).toMatchObject({ liveKeys: 2, tombstones: 1 });
    });

    test('writeMany is all or nothing: a decision that throws leaves the whole batch unwritten', async () => {
      await store.write('a', () => record('a', '1'));
      const batch = [
        { key: 'a', decide: () => record('a', '2') },
        { key: 'b', decide: () => record('b', '2') },
        {
          key: 'c',
          decide: (): StoredRecord => {
            throw new Error('boom');
          },
        },
      ];
      await expect(store.writeMany(batch, { name: 'progress', value: 'c' })).rejects.toThrow('boom');
      expect(store.get('a')?.valueJson).toBe('1');
      expect(store.get('b')).toBeUndefined();
      expect(store.getMeta('progress')).toBeUndefined();
      expect(store.stats()).toMatchObject({ liveKeys: 1, tombstones: 0 });
    });

    test('writeMany writes its meta value with the batch, even when no record changes', async () => {
      await store.writeMany([{ key: 'x', decide: () => record('x', '1') }], { name: 'progress', value: 'x' });
      expect(store.getMeta('progress')).toBe('x');
      expect(await store.writeMany([{ key: 'x', decide: () => undefined }], { name: 'progress', value: 'y' })).toEqual([undefined]);
      expect(store.getMeta('progress')).toBe('y');
      expect(await store.writeMany([])).toEqual([]);
    });

    test('tombstones are kept, counted apart from live keys, and skipped by scans unless asked', async () => {
      await store.write('a', () => record('a', '1'));
      await store.write('b', () => record('b', '2'));
      await store.write('b', () => record('b', null));
      expect(store.get('b')?.valueJson).toBeNull();
      expect(store.stats()).toMatchObject({ liveKeys: 1, tombstones: 1 });
      expect(store.scan({ limit: 10 }).records.map((r) => r.key)).toEqual(['a']);
      expect(store.scan({ limit: 10, includeTombstones: true }).records.map((r) => r.key)).toEqual(['a', 'b']);
      await store.write('b', () => record('b', '3'));
      expect(store.stats()).toMatchObject({ liveKeys: 2, tombstones: 0 });
    });

    test('scans follow code point order, honour prefix, cursor and limit', async () => {
      const keys = ['b', 'a/2', 'a/1', 'a', '\u{1F600}', '\uFFFD', 'é', 'a/10', 'ab'];
      for (const key of keys) await store.write(key, () => record(key, '0'));
      const all = store.scan({ limit: 100 }).records.map((r) => r.key);
      expect(all).toEqual(['a', 'a/1', 'a/10', 'a/2', 'ab', 'b', 'é', '\uFFFD', '\u{1F600}']);
      const first = store.scan({ prefix: 'a/', limit: 2 });
      expect(first.records.map((r) => r.key)).toEqual(['a/1', 'a/10']);
      expect(first.resumeAfterKey).toBe('a/10');
      const second = store.scan({ prefix: 'a/', limit: 2, afterKey: first.resumeAfterKey });
      expect(second.records.map((r) => r.key)).toEqual(['a/2']);
      expect(second.resumeAfterKey).toBeUndefined();
    });

    test('keys with control characters, short and long, read back and scan as strings in code point order', async () => {
      // lmdb-js's default key encoding (ordered-binary) wrote U+0000..U+0004 unescaped in strings of ~60
      // characters and more, and read such keys back as arrays: every scan over one then failed.
      const long = 'y'.repeat(100);
      const keys = ['\u0000swarmkv/token/' + 'f'.repeat(64), `a\u0000${long}`, `a\u0004${long}`, 'a\u0001b', '\u0001x', '\u001bx', '\u001cx', 'plain', `\u0003${long}`];
      for (const key of keys) await store.write(key, () => record(key, '1'));
      for (const key of keys) expect(store.get(key)?.key).toBe(key);
      const scanned = store.scan({ limit: 100 }).records.map((r) => r.key);
      expect(scanned).toEqual([...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))));
      expect(store.scan({ prefix: '\u0000swarmkv/token/', limit: 100 }).records.map((r) => r.key)).toEqual([keys[0]!]);
      expect(store.scan({ prefix: 'a', limit: 100 }).records.map((r) => r.key)).toEqual([`a\u0000${long}`, 'a\u0001b', `a\u0004${long}`]);
    });

    test('a page that ends exactly at the last key has no cursor', async () => {
      for (const key of ['x1', 'x2']) await store.write(key, () => record(key, '0'));
      expect(store.scan({ prefix: 'x', limit: 2 }).resumeAfterKey).toBeUndefined();
    });

    test('erase removes a record only while it is at the given version, and fixes the counts', async () => {
      await store.write('t', () => record('t', null, '000000000002.0000.aaaaaaaaaaaaaaaa'));
      await store.write('v', () => record('v', '1'));
      expect(await store.erase('t', '000000000001.0000.aaaaaaaaaaaaaaaa')).toBe(false);
      expect(store.get('t')).toBeDefined();
      expect(await store.erase('t', '000000000002.0000.aaaaaaaaaaaaaaaa')).toBe(true);
      expect(store.get('t')).toBeUndefined();
      expect(await store.erase('t', '000000000002.0000.aaaaaaaaaaaaaaaa')).toBe(false);
      expect(await store.erase('v', '000000000001.0000.aaaaaaaaaaaaaaaa')).toBe(true);
      expect(store.stats()).toMatchObject({ liveKeys: 0, tombstones: 0 });
      expect(store.scan({ limit: 10, includeTombstones: true }).records).toEqual([]);
    });

    test('meta values round-trip', async () => {
      expect(store.getMeta('node-id')).toBeUndefined();
      await store.setMeta('node-id', 'abc');
      expect(store.getMeta('node-id')).toBe('abc');
    });

    test('close is idempotent', async () => {
      const first = store.close();
      expect(store.close()).toBe(first);
      await first;
      store = fixture.open();
    });

    test('records, counts and meta survive close and reopen (durable engines)', async () => {
      if (!fixture.reopen) return;
      await store.write('k', () => record('k', '"v"'));
      await store.write('gone', () => record('gone', null));
      await store.setMeta('node-id', 'abc');
      await store.writeMany([{ key: 'batched', decide: () => record('batched', '2') }], { name: 'progress', value: 'batched' });
      store = await fixture.reopen(store);
      expect(store.get('batched')?.valueJson).toBe('2');
      expect(store.getMeta('progress')).toBe('batched');
      expect(store.get('k')?.valueJson).toBe('"v"');
      expect(store.get('gone')?.valueJson).toBeNull();
      expect(store.stats()).toMatchObject({ liveKeys: 2, tombstones: 1 });
      expect(store.getMeta('node-id')).toBe('abc');
    });
  });
}
