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

test('a key being written is forgotten, and nothing read for it is remembered until its transaction settles', () => {
  const cache = new RecordCache();
  cache.remember('a', record('a', '"old"'));
  cache.writing('a');
  expect(cache.lookup('a')).toBeUndefined();
  // A read during the write sees the snapshot from before it: that must not outlive the commit.
  cache.remember('a', record('a', '"old"'));
  expect(cache.lookup('a')).toBeUndefined();
  cache.settled(['a']);
  cache.remember('a', record('a', '"new"'));
  expect(cache.lookup('a')).toEqual(record('a', '"new"'));
});

test('two transactions in flight for one key: the key stays uncached until both have settled', () => {
  const cache = new RecordCache();
  cache.writing('a');
  cache.writing('a');
  cache.settled(['a']);
  cache.remember('a', record('a'));
  expect(cache.lookup('a')).toBeUndefined();
  cache.settled(['a']);
  cache.remember('a', record('a'));
  expect(cache.lookup('a')).toEqual(record('a'));
});

test('settling forgets what was remembered meanwhile through another path, and other keys are untouched', () => {
  const cache = new RecordCache();
  cache.remember('b', record('b'));
  cache.writing('a');
  cache.settled(['a']);
  expect(cache.lookup('b')).toEqual(record('b'));
  expect(cache.lookup('a')).toBeUndefined();
});

test('past its byte bound it lets go of the oldest entries first, and counts what it holds', () => {
  const perEntry = 2 * ('k0'.length + '"v"'.length + VERSION.length) + RECORD_CACHE_ENTRY_OVERHEAD_BYTES;
  const cache = new RecordCache(perEntry * 3);
  for (const key of ['k0', 'k1', 'k2', 'k3']) cache.remember(key, record(key));
  expect(cache.size).toBe(3);
  expect(cache.bytes).toBe(perEntry * 3);
  expect(cache.lookup('k0')).toBeUndefined();
  expect(cache.lookup('k3')).toEqual(record('k3'));
  cache.writing('k1');
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
