import { expect, test } from 'bun:test';
import { decodeDiskRecord, encodeDiskRecord, isLegacyRecord } from './disk-record';

const version = '0192a3b4c5d6.00ff.0123456789abcdef';

test.each([
  ['a value', { key: 'k', valueJson: '{"a":[1,"é🚀"]}', version, updatedAtMs: 1_764_633_599_123 }],
  ['a tombstone', { key: 'k', valueJson: null, version, updatedAtMs: 0 }],
  ['an empty string value', { key: 'k', valueJson: '""', version, updatedAtMs: 1 }],
])('%s round-trips', (_name, record) => {
  const bytes = encodeDiskRecord(record);
  expect(isLegacyRecord(bytes)).toBe(false);
  expect(decodeDiskRecord('k', bytes)).toEqual(record);
});

test('a record in no known layout is refused loudly', () => {
  expect(() => decodeDiskRecord('k', Buffer.from([7, 0, 0]))).toThrow(/layout/);
});
