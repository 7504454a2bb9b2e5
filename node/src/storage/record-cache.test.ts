import { expect, test } from 'bun:test';
import { RECORD_CACHE_ENTRY_OVERHEAD_BYTES, RECORD_CACHE_RECORD_BYTES_MAX } from '../limits';
import { RecordCache } from './record-cache';
import type { StoredRecord } from './stored-record';

const VERSION = '000000000001.0000.aaaaaaaaaaaaaaaa';
const record = (key: string, valueJson: string | null = '"v"'): StoredRecord => ({ key, valueJson, version: VERSION, updatedAtMs: 1 });

test('remembers a record and an absence; an unknown key is not remembered', () => {
  const cache = new RecordCache();
  cache.remember('a', record('a'));
  cache.remember('gone', undefined);
  expect(cache.lookup('a')).toEqual(record('a'));
  expect(cache.lookup('gone')).toBeNull();
  expect(cache.lookup('never-read')).toBeUndefined();
});

test('a settled write forgets the keys it wrote, whatever was remembered for them meanwhile, and nothing else', () => {
  const cache = new RecordCache();
  cache.remember('a', record('a', '"old"'));
  cache.remember('b', record('b'));
  // A read while the write is in flight remembers nothing new: the entry from before stays until the settle.
  cache.remember('a', record('a', '"also old"'));
  expect(cache.lookup('a')).toEqual(record('a', '"old"'));
  cache.settled(['a']);
  expect(cache.lookup('a')).toBeUndefined();
  expect(cache.lookup('b')).toEqual(record('b'));
  cache.remember('a', record('a', '"new"'));
  expect(cache.lookup('a')).toEqual(record('a', '"new"'));
});

test('past its byte bound it lets go of the oldest entries first, and counts what it holds', () => {
  const perEntry = 2 * ('k0'.length + '"v"'.length + VERSION.length) + RECORD_CACHE_ENTRY_OVERHEAD_BYTES;
  const cache = new RecordCache(perEntry * 3);
  for (const key of ['k0', 'k1', 'k2', 'k3']) cache.remember(key, record(key));
  expect(cache.size).toBe(3);
  expect(cache.bytes).toBe(perEntry * 3);
  expect(cache.lookup('k0')).toBeUndefined();
  expect(cache.lookup('k3')).toEqual(record('k3'));
  cache.settled(['k1']);
  expect(cache.bytes).toBe(perEntry * 2);
  cache.clear();
  expect(cache.size).toBe(0);
  expect(cache.bytes).toBe(0);
});

test('a record larger than the per-record bound is not cached', () => {
  const cache = new RecordCache();
  cache.remember('big', record('big', JSON.stringify('x'.repeat(RECORD_CACHE_RECORD_BYTES_MAX))));
  expect(cache.lookup('big')).toBeUndefined();
  expect(cache.bytes).toBe(0);
});
