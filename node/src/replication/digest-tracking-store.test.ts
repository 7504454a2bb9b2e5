// The tracking store keeps the digest index in step with every write path, the batched one included.
import { expect, test } from 'bun:test';
import { MemoryStore, type StoredRecord } from '../storage';
import { DigestIndex } from './digest-index';
import { DigestTrackingStore } from './digest-tracking-store';

const record = (key: string, version: string): StoredRecord => ({ key, valueJson: '1', version, updatedAtMs: 1 });
const V1 = '000000000001.0000.aaaaaaaaaaaaaaaa';
const V2 = '000000000002.0000.aaaaaaaaaaaaaaaa';

test('a batch write records exactly what it wrote in the index', async () => {
  const store = new DigestTrackingStore(new MemoryStore(), new DigestIndex());
  await store.write('kept', () => record('kept', V2));
  await store.writeMany([
    { key: 'a', decide: () => record('a', V1) },
    { key: 'kept', decide: () => undefined },
    { key: 'a', decide: () => record('a', V2) },
  ]);
  expect(store.index.versionOf('a')).toBe(V2);
  expect(store.index.versionOf('kept')).toBe(V2);
  expect(store.index.size).toBe(2);
});
