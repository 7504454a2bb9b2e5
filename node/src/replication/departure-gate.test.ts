// The departure gate remembers the keys written while a leave streams (up to its bound), then refuses
// writes for the final pass, and takes them again if the leave fails.
import { expect, test } from 'bun:test';
import { SwarmError } from '../errors';
import { MemoryStore, type StoredRecord } from '../storage';
import { formatVersion } from '../version';
import { DepartureGate } from './departure-gate';
import { LocalReplica } from './local-replica';

const SELF = '00000000000000a0';

function record(key: string, wallMs: number): StoredRecord {
  return { key, valueJson: '1', version: formatVersion({ wallMs, logical: 0, nodeId: SELF }), updatedAtMs: wallMs };
}

test('the departure gate remembers the keys written while tracking, then refuses writes, and reopens', async () => {
  const gate = new DepartureGate(new LocalReplica(SELF, new MemoryStore()));
  await gate.write(record('before', 1));
  gate.trackChanges(2);
  await gate.write(record('during', 2));
  expect([...(gate.changedKeys() as Set<string>)]).toEqual(['during']);
  await gate.write(record('more', 3));
  await gate.write(record('too-many', 4));
  expect(gate.changedKeys()).toBe('overflowed');
  await gate.closeToWrites();
  expect(gate.write(record('late', 5))).rejects.toBeInstanceOf(SwarmError);
  gate.reopen();
  expect((await gate.write(record('late', 5))).applied).toBe(true);
});
