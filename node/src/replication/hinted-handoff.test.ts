// Delivery of hints and the ledger's bookkeeping, on in-memory replicas: no network, no timers (ticks
// are driven by the test).
import { describe, expect, test } from 'bun:test';
import { RecordingLogger } from './recording-logger.test-harness';
import { MemoryHintStore, MemoryStore, type StoredRecord } from '../storage';
import { HintLedger } from './hint-ledger';
import { HintedHandoff } from './hinted-handoff';
import { LocalReplica } from './local-replica';
import type { BatchReplica } from './replica';

const C = 'cccccccccccccccc';
const D = 'dddddddddddddddd';
const E = 'eeeeeeeeeeeeeeee';
const version = (wallMs: number) => `${wallMs.toString(16).padStart(12, '0')}.0000.aaaaaaaaaaaaaaaa`;
const record = (key: string, wallMs = 1): StoredRecord => ({ key, valueJson: String(wallMs), version: version(wallMs), updatedAtMs: 1 });

function setUp(options: { hintsMax?: number } = {}) {
  const logger = new RecordingLogger();
  let nowMs = 0;
  const ledger = new HintLedger(new MemoryHintStore({ hintsMax: options.hintsMax ?? 10_000, hintBytesMax: 1024 * 1024 }), logger, { nowMs: () => nowMs });
  const targetStore = new MemoryStore();
  const target = new LocalReplica(C, targetStore);
  const up = new Set<string>();
  const failing = new Set<string>();
  const directory = {
    batchReplica: (nodeId: string): BatchReplica | undefined => {
      if (nodeId !== C || !up.has(C)) return undefined;
      if (!failing.has(C)) return target;
      return { nodeId, writeBatch: () => Promise.reject(new Error('timed out')) };
    },
  };
  const reachability = { isHealthy: (nodeId: string) => up.has(nodeId), isConnected: (nodeId: string) => up.has(nodeId) };
  const handoff = new HintedHandoff({ ledger, directory, reachability, logger, batchMax: 10, batchesPerTickMax: 3 });
  return { logger, ledger, targetStore, up, failing, handoff, advance: (ms: number) => (nowMs += ms) };
}

describe('hinted handoff delivery', () => {
  test('hints wait while the target is down, then arrive in bounded batches and leave the store', async () => {
    const { ledger, targetStore, up, handoff, logger } = setUp();
    for (let index = 0; index < 45; index++) await ledger.accept(C, record(`k${index}`));
    await ledger.accept(E, record('other'));
    await handoff.tick();
    expect(ledger.health().pending).toBe(46);
    up.add(C);
    await handoff.tick();
    // Three batches of ten per tick: 30 delivered, 15 left for the next tick.
    expect(logger.events('hints.delivered')).toEqual([
      { to: C, count: 10, failed: 0, remaining: 35 },
      { to: C, count: 10, failed: 0, remaining: 25 },
      { to: C, count: 10, failed: 0, remaining: 15 },
    ]);
    await handoff.tick();
    expect(ledger.health()).toMatchObject({ pending: 1, delivered: 45, byTarget: [{ nodeId: E, count: 1 }] });
    for (let index = 0; index < 45; index++) expect(targetStore.get(`k${index}`)).toEqual(record(`k${index}`));
    await handoff.close();
  });

  test('a hint the target already superseded is deleted too; a newer hint written meanwhile stays', async () => {
    const { ledger, targetStore, up, handoff } = setUp();
    await targetStore.write('k', () => record('k', 5));
    await ledger.accept(C, record('k', 2));
    up.add(C);
    await handoff.tick();
    expect(targetStore.get('k')?.version).toBe(version(5));
    expect(ledger.health()).toMatchObject({ pending: 0, delivered: 1 });
    await ledger.accept(C, record('j', 1));
    // Delivery of j@1 is acknowledged after j@3 replaced it: j@3 must stay to be delivered.
    const store = ledger.store;
    const remove = store.remove.bind(store);
    store.remove = async (target, key, removedVersion) => {
      await store.put(target, record('j', 3));
      return remove(target, key, removedVersion);
    };
    await handoff.tick();
    store.remove = remove;
    expect(ledger.forKey('j').map((hint) => hint.record.version)).toEqual([version(3)]);
    await handoff.tick();
    expect(targetStore.get('j')?.version).toBe(version(3));
    expect(ledger.health().pending).toBe(0);
  });

  test('a target that fails its writes keeps its hints for the next tick', async () => {
    const { ledger, up, failing, handoff, logger, targetStore } = setUp();
    for (let index = 0; index < 25; index++) await ledger.accept(C, record(`k${index}`));
    up.add(C);
    failing.add(C);
    await handoff.tick();
    // The first batch fails; no more are sent until the next tick.
    expect(logger.events('hints.delivered')).toEqual([{ to: C, count: 0, failed: 10, remaining: 25 }]);
    expect(handoff.failed).toBe(10);
    failing.delete(C);
    await handoff.tick();
    expect(ledger.health().pending).toBe(0);
    expect(targetStore.stats().liveKeys).toBe(25);
  });

  test('close is idempotent, waits for the pass in flight, and later ticks do nothing', async () => {
    const { ledger, up, handoff } = setUp();
    await ledger.accept(C, record('k'));
    up.add(C);
    handoff.start();
    const pass = handoff.tick();
    const closed = handoff.close();
    expect(handoff.close()).toBe(closed);
    await Promise.all([pass, closed]);
    await ledger.accept(C, record('later'));
    await handoff.tick();
    expect(ledger.forKey('later')).toHaveLength(1);
  });
});

describe('the hint ledger', () => {
  test('overflow: every refusal is counted, one hints.overflow line per interval', async () => {
    const { ledger, logger, advance } = setUp({ hintsMax: 1 });
    await ledger.accept(C, record('a'));
    for (const key of ['b', 'c', 'd']) await expect(ledger.accept(D, record(key))).rejects.toMatchObject({ code: 'unavailable', details: { reason: 'hints_full' } });
    expect(logger.events('hints.overflow')).toEqual([{ target: D, refused: 1, overflowed: 1, pending: 1, bytes: ledger.health().bytes, hintsMax: 1, hintBytesMax: 1024 * 1024 }]);
    advance(10_000);
    await expect(ledger.accept(D, record('e'))).rejects.toMatchObject({ code: 'unavailable' });
    expect(logger.events('hints.overflow').map((fields) => fields.refused)).toEqual([1, 3]);
    expect(ledger.health()).toMatchObject({ pending: 1, overflowed: 4 });
  });

  test('an older or equal hint is answered with the version held, like a replica that lost the merge', async () => {
    const { ledger } = setUp();
    expect(await ledger.accept(C, record('k', 3))).toEqual({ applied: true, version: version(3) });
    expect(await ledger.accept(C, record('k', 2))).toEqual({ applied: false, version: version(3) });
  });

  test('a missed write kept as coordinator is counted, delivered like any hint, and a full store only counts its refusal', async () => {
    const { ledger, handoff, up, targetStore } = setUp({ hintsMax: 1 });
    ledger.keepMissed(C, record('k', 2));
    ledger.keepMissed(C, record('k', 1));
    ledger.keepMissed(D, record('other'));
    await Bun.sleep(0);
    expect(ledger.health()).toMatchObject({ pending: 1, missed: 1, overflowed: 1 });
    up.add(C);
    await handoff.tick();
    expect(targetStore.get('k')).toEqual(record('k', 2));
    expect(ledger.health()).toMatchObject({ pending: 0, delivered: 1, missed: 1 });
  });
});
