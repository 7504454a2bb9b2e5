import { beforeEach, expect, test } from 'bun:test';
import { ManualClock } from '../clock';
import { SwarmError, type ErrorCode } from '../errors';
import { MemoryStore } from '../storage';
import { HybridLogicalClock } from '../version';
import { Coordinator } from './coordinator';

let clock: ManualClock;
let store: MemoryStore;
let coordinator: Coordinator;

beforeEach(() => {
  clock = new ManualClock(1_000_000);
  store = new MemoryStore();
  coordinator = new Coordinator(store, new HybridLogicalClock('aaaaaaaaaaaaaaaa', clock), clock);
});

function codeOf(action: () => unknown): ErrorCode {
  try {
    action();
  } catch (error) {
    if (error instanceof SwarmError) return error.code;
  }
  throw new Error('expected a SwarmError');
}

async function asyncCodeOf(action: () => Promise<unknown>): Promise<ErrorCode> {
  try {
    await action();
  } catch (error) {
    if (error instanceof SwarmError) return error.code;
  }
  throw new Error('expected a SwarmError');
}

test('put then get returns the value with the write time', async () => {
  const written = await coordinator.put('k', '{"a":1}');
  expect(coordinator.get('k')).toEqual({ key: 'k', valueJson: '{"a":1}', version: written.version, updatedAtMs: 1_000_000 });
});

test('versions of a key increase even when the wall clock steps back', async () => {
  const first = await coordinator.put('k', '1');
  clock.set(500);
  const second = await coordinator.put('k', '2');
  expect(second.version > first.version).toBe(true);
});

test('create refuses a live key but accepts a deleted one', async () => {
  await coordinator.create('k', '1');
  expect(await asyncCodeOf(() => coordinator.create('k', '2'))).toBe('conflict');
  await coordinator.delete('k');
  const recreated = await coordinator.create('k', '3');
  expect(coordinator.get('k').version).toBe(recreated.version);
});

test('delete writes a tombstone that reads as not found; a second delete is not found', async () => {
  await coordinator.put('k', '1');
  const tombstone = await coordinator.delete('k');
  expect(tombstone.valueJson).toBeNull();
  expect(store.get('k')?.valueJson).toBeNull();
  expect(codeOf(() => coordinator.get('k'))).toBe('not_found');
  expect(await asyncCodeOf(() => coordinator.delete('k'))).toBe('not_found');
  expect(await asyncCodeOf(() => coordinator.delete('never'))).toBe('not_found');
  expect(store.get('never')).toBeUndefined();
});

test('generated keys are distinct', async () => {
  const keys = await Promise.all(Array.from({ length: 100 }, () => coordinator.createWithGeneratedKey('0')));
  expect(new Set(keys.map((record) => record.key)).size).toBe(100);
});

test('list pages through live keys under a prefix with cursors', async () => {
  for (const key of ['p/1', 'p/2', 'p/3', 'q/1']) await coordinator.put(key, '0');
  await coordinator.delete('p/2');
  const first = coordinator.list({ prefix: 'p/', limit: 1, cursor: undefined });
  expect(first.items.map((item) => item.key)).toEqual(['p/1']);
  const second = coordinator.list({ prefix: 'p/', limit: 1, cursor: first.next! });
  expect(second.items.map((item) => item.key)).toEqual(['p/3']);
  expect(second.next).toBeNull();
});
