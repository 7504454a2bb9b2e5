import { describe, expect, test } from 'bun:test';
import { open } from 'lmdb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyFromOrderedBinary, moveToUtf8Keys } from './lmdb-keys';
import { LmdbStore } from './lmdb-store';
import * as lmdb from 'lmdb';

const { keyValueToBuffer } = lmdb as unknown as { keyValueToBuffer(key: string): Buffer };
const long = 'y'.repeat(100);
/** Keys the default encoding writes otherwise than as UTF-8, both of its ways, and ordinary ones. */
const KEYS = ['plain', 'é', '\u{1F600}', '\u0000swarmkv/token/' + 'f'.repeat(64), `a\u0000${long}`, `a\u0004${long}`, 'a\u0001b', '\u0001x', '\u001bx', '\u001cx', `\u0003${long}`];

describe('keyFromOrderedBinary', () => {
  test('gives back the string of either way the default encoding wrote it', () => {
    for (const key of KEYS) expect(keyFromOrderedBinary(keyValueToBuffer(key))).toBe(key);
  });
});

describe('a store an earlier build wrote with lmdb-js default key encoding', () => {
  test('is moved to UTF-8 keys once, when it opens: every record reads back and every scan works', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'swarmkv-lmdb-keys-'));
    try {
      const old = open({ path: dir, noSubdir: false, compression: false });
      const records = old.openDB({ name: 'records' });
      await old.transaction(() => {
        for (const [index, key] of KEYS.entries()) records.put(key, [String(index), `${String(index).padStart(12, '0')}.0000.aaaaaaaaaaaaaaaa`, index]);
      });
      await old.close();

      const store = new LmdbStore(dir, 'flush');
      const differing = KEYS.filter((key) => !keyValueToBuffer(key).equals(Buffer.from(key, 'utf8'))).length;
      expect(store.movedKeys).toEqual({ moved: differing, unreadable: 0 });
      // The escaped way (short keys) and the 0x1B first byte (keys starting below U+001C); a long key with
      // an unescaped NUL after an ordinary first character is already its UTF-8 bytes.
      expect(differing).toBe(5);
      for (const [index, key] of KEYS.entries()) expect(store.get(key)).toMatchObject({ key, valueJson: String(index) });
      const scanned = store.scan({ limit: 100 }).records.map((record) => record.key);
      expect(scanned).toEqual([...KEYS].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))));
      expect(store.scan({ prefix: '\u0000swarmkv/token/', limit: 10 }).records).toHaveLength(1);
      await store.close();

      const again = new LmdbStore(dir, 'flush');
      expect(again.movedKeys).toEqual({ moved: 0, unreadable: 0 });
      expect(again.scan({ limit: 100 }).records).toHaveLength(KEYS.length);
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('any database can be moved (hints too), values copied byte for byte', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'swarmkv-lmdb-keys-'));
    try {
      const root = open({ path: dir, noSubdir: false, compression: false });
      const hints = root.openDB({ name: 'hints' });
      const slot = '0123456789abcdef\u0001key';
      await hints.put(slot, { value: [1, 'two'] });
      const meta = root.openDB<unknown, string>({ name: 'hints-meta' });
      expect(moveToUtf8Keys(root, meta, 'hints')).toEqual({ moved: 1, unreadable: 0 });
      const raw = root.openDB({ name: 'hints', keyEncoding: 'binary' });
      expect([...raw.getKeys({ start: Buffer.from([0]) })].map((key) => Buffer.from(key as Uint8Array).toString('utf8'))).toEqual([slot]);
      expect(moveToUtf8Keys(root, meta, 'hints')).toEqual({ moved: 0, unreadable: 0 });
      await root.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
