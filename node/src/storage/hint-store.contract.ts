// One behaviour suite every hint engine runs, as kv-store.contract.ts is for the main store.
import { afterEach, beforeEach, describe, expect, test } from 'bun:test';
import { hintBytes, type HintBounds, type HintStore } from './hint-store';
import type { StoredRecord } from './stored-record';

export interface HintStoreFixture {
  open(bounds: HintBounds): HintStore;
  /** Closes and opens the same store again, or undefined for an engine that does not persist. */
  reopen?(store: HintStore, bounds: HintBounds): Promise<HintStore>;
  cleanup(): Promise<void> | void;
}

const D = 'dddddddddddddddd';
const E = 'eeeeeeeeeeeeeeee';
const ROOMY: HintBounds = { hintsMax: 1000, hintBytesMax: 1024 * 1024 };
const version = (wallMs: number) => `${wallMs.toString(16).padStart(12, '0')}.0000.aaaaaaaaaaaaaaaa`;
const record = (key: string, valueJson: string | null, wallMs = 1): StoredRecord => ({ key, valueJson, version: version(wallMs), updatedAtMs: 1 });

export function describeHintStoreContract(name: string, makeFixture: () => HintStoreFixture): void {
  describe(`${name} hint store contract`, () => {
    let fixture: HintStoreFixture;
    let hints: HintStore;

    const openWith = async (bounds: HintBounds) => {
      await hints.close();
      await fixture.cleanup();
      fixture = makeFixture();
      hints = fixture.open(bounds);
    };

    beforeEach(() => {
      fixture = makeFixture();
      hints = fixture.open(ROOMY);
    });
    afterEach(async () => {
      await hints.close();
      await fixture.cleanup();
    });

    test('a hint is found by its key and in its target’s batch, and counted', async () => {
      expect(await hints.put(D, record('k', '1'))).toEqual({ outcome: 'stored' });
      await hints.put(E, record('k', null));
      expect(hints.forKey('k').sort((a, b) => (a.target < b.target ? -1 : 1))).toEqual([
        { target: D, record: record('k', '1') },
        { target: E, record: record('k', null) },
      ]);
      expect(hints.forKey('other')).toEqual([]);
      expect(hints.batch(D, 10)).toEqual([record('k', '1')]);
      expect(hints.stats()).toEqual({ count: 2, bytes: hintBytes(D, record('k', '1')) + hintBytes(E, record('k', null)), byTarget: [{ nodeId: D, count: 1 }, { nodeId: E, count: 1 }] });
    });

    test('a newer hint for (target, key) replaces the held one; an older or equal one is kept out', async () => {
      await hints.put(D, record('k', '"v2"', 2));
      expect(await hints.put(D, record('k', '"v1"', 1))).toEqual({ outcome: 'kept', version: version(2) });
      expect(await hints.put(D, record('k', '"v2 again"', 2))).toEqual({ outcome: 'kept', version: version(2) });
      expect(await hints.put(D, record('k', '"v3"', 3))).toEqual({ outcome: 'stored' });
      expect(hints.batch(D, 10)).toEqual([record('k', '"v3"', 3)]);
      expect(hints.stats()).toMatchObject({ count: 1, bytes: hintBytes(D, record('k', '"v3"', 3)) });
    });

    test('batches walk one target’s hints in key order, bounded, resuming after a key', async () => {
      for (const key of ['b', 'a', 'é', 'c']) await hints.put(D, record(key, '0'));
      await hints.put(E, record('a', '0'));
      expect(hints.batch(D, 2).map((r) => r.key)).toEqual(['a', 'b']);
      expect(hints.batch(D, 2, 'b').map((r) => r.key)).toEqual(['c', 'é']);
      expect(hints.batch(E, 10).map((r) => r.key)).toEqual(['a']);
      expect(hints.batch('ffffffffffffffff', 10)).toEqual([]);
    });

    test('remove deletes only the version it names, and the counts follow', async () => {
      await hints.put(D, record('k', '1', 1));
      await hints.put(D, record('k', '2', 2));
      expect(await hints.remove(D, 'k', version(1))).toBe(false);
      expect(hints.stats().count).toBe(1);
      expect(await hints.remove(D, 'k', version(2))).toBe(true);
      expect(await hints.remove(D, 'k', version(2))).toBe(false);
      expect(hints.forKey('k')).toEqual([]);
      expect(hints.stats()).toEqual({ count: 0, bytes: 0, byTarget: [] });
    });

    test('at the count bound a new hint is refused, a replacement still fits, and a removal frees room', async () => {
      await openWith({ hintsMax: 3, hintBytesMax: 1024 * 1024 });
      for (const key of ['a', 'b', 'c']) expect(await hints.put(D, record(key, '1'))).toEqual({ outcome: 'stored' });
      expect(await hints.put(E, record('d', '1'))).toEqual({ outcome: 'full' });
      expect(await hints.put(D, record('a', '2', 2))).toEqual({ outcome: 'stored' });
      expect(hints.stats().count).toBe(3);
      expect(hints.forKey('d')).toEqual([]);
      await hints.remove(D, 'b', version(1));
      expect(await hints.put(E, record('d', '1'))).toEqual({ outcome: 'stored' });
    });

    test('at the byte bound a hint that does not fit is refused, and a growing replacement too', async () => {
      const big = (key: string, wallMs = 1) => record(key, JSON.stringify('x'.repeat(400)), wallMs);
      const bytesMax = 2 * hintBytes(D, big('a')) + 100;
      await openWith({ hintsMax: 1000, hintBytesMax: bytesMax });
      await hints.put(D, big('a'));
      await hints.put(D, big('b'));
      expect(await hints.put(D, record('c', '1'))).toEqual({ outcome: 'stored' });
      expect(await hints.put(D, big('d'))).toEqual({ outcome: 'full' });
      expect(await hints.put(D, record('c', JSON.stringify('y'.repeat(100)), 2))).toEqual({ outcome: 'full' });
      expect(hints.stats().bytes).toBeLessThanOrEqual(bytesMax);
      expect(hints.stats().count).toBe(3);
    });

    test('1,000 hints over 10 targets: exactly the bound is kept and everything beyond is refused', async () => {
      await openWith({ hintsMax: 600, hintBytesMax: 1024 * 1024 });
      const targets = Array.from({ length: 10 }, (_, index) => index.toString(16).padStart(16, '0'));
      const outcomes = await Promise.all(Array.from({ length: 1000 }, (_, index) => hints.put(targets[index % 10]!, record(`key:${index}`, String(index)))));
      expect(outcomes.filter((outcome) => outcome.outcome === 'stored')).toHaveLength(600);
      expect(outcomes.filter((outcome) => outcome.outcome === 'full')).toHaveLength(400);
      expect(hints.stats().count).toBe(600);
      expect(hints.stats().byTarget.reduce((sum, entry) => sum + entry.count, 0)).toBe(600);
    });

    test('close is idempotent', async () => {
      const first = hints.close();
      expect(hints.close()).toBe(first);
      await first;
    });

    test('hints, their index and totals survive close and reopen (durable engines)', async () => {
      if (!fixture.reopen) return;
      await hints.put(D, record('k', '"v"'));
      await hints.put(E, record('k', null));
      await hints.put(D, record('j', '1'));
      await hints.remove(D, 'j', version(1));
      const before = hints.stats();
      hints = await fixture.reopen(hints, ROOMY);
      expect(hints.stats()).toEqual(before);
      expect(hints.forKey('k')).toHaveLength(2);
      expect(hints.batch(D, 10)).toEqual([record('k', '"v"')]);
    });
  });
}
