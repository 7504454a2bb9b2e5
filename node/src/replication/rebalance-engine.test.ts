// A joiner's range transfer against a real source end (its range-transfer and digest servers, every
// message through the peer codecs): each batch merged by last-writer-wins in one transaction with the
// progress entry, so a transfer cut short resumes after the last batch stored, and no further.

import { describe, expect, test } from 'bun:test';
import { systemClock } from '../clock';
import { SwarmError } from '../errors';
import type { Logger } from '../log';
import { RecordingLogger } from './recording-logger.test-harness';
import { MemoryStore, type StoredRecord } from '../storage';
import type { PeerMessage, RpcHandler } from '../transport';
import { formatVersion } from '../version';
import { serveAntiEntropyRequests } from './anti-entropy-server';
import { roundTrip } from './codec-round-trip.test-harness';
import { DigestIndex } from './digest-index';
import { DigestTrackingStore } from './digest-tracking-store';
import { RANGE_TRANSFER_BATCH_KEYS_MAX } from './range-transfer-messages';
import { serveRangeTransfers } from './range-transfer-server';
import { REBALANCE_PROGRESS_META, RebalanceEngine } from './rebalance-engine';
import { transferId } from './transfer-plan';

const SOURCE = '00000000000000a0';
const SELF = '00000000000000b0';
const KEYS = 2500;
const WHOLE_RING = { start: '0000000000000000', end: '0000000000000000' };
const PLAN = [{ id: transferId(WHOLE_RING), interval: WHOLE_RING, sources: [SOURCE] }];

const record = (key: string, wallMs: number): StoredRecord => ({ key, valueJson: `"${key}@${wallMs}"`, version: formatVersion({ wallMs, logical: 0, nodeId: SOURCE }), updatedAtMs: wallMs });

const ALL_KEYS = Array.from({ length: KEYS }, (_, index) => record(`k${index}`, 10));

async function startSource(records: readonly StoredRecord[] = ALL_KEYS): Promise<(body: PeerMessage) => Promise<PeerMessage>> {
  const store = new DigestTrackingStore(new MemoryStore(), new DigestIndex());
  await store.writeMany(records.map((stored) => ({ key: stored.key, decide: () => stored })));
  const handlers = new Map<string, RpcHandler>();
  const router = { serve: (type: string, handler: RpcHandler) => void handlers.set(type, handler) };
  serveRangeTransfers(router, { index: store.index, get: (key) => store.get(key) });
  serveAntiEntropyRequests(router, store.index);
  return async (body) => {
    const handler = handlers.get(body.type);
    if (handler === undefined) throw new SwarmError('unavailable', `no handler for ${body.type}`);
    return roundTrip(await handler(SELF, roundTrip(body)));
  };
}

function joiner(store: DigestTrackingStore, logger: Logger, request: (body: PeerMessage) => Promise<PeerMessage>): RebalanceEngine {
  return new RebalanceEngine({ selfId: SELF, request: (_to, body) => request(body), store, isHealthy: () => true, logger, clock: systemClock });
}

test('every record streams in, a newer local copy is kept, and the progress entry says done', async () => {
  const serve = await startSource();
  const store = new DigestTrackingStore(new MemoryStore(), new DigestIndex());
  await store.write('k7', () => record('k7', 20));
  const logger = new RecordingLogger();
  expect(await joiner(store, logger, serve).run(PLAN)).toBe(true);
  expect(store.stats().liveKeys).toBe(KEYS);
  expect(store.get('k7')?.valueJson).toBe('"k7@20"');
  expect(store.get('k8')?.valueJson).toBe('"k8@10"');
  expect(store.index.size).toBe(KEYS);
  expect(logger.lines.find((line) => line.event === 'rebalance.transfer_finished')?.fields).toMatchObject({ keys: KEYS, applied: KEYS - 1 });
  expect(JSON.parse(store.getMeta(REBALANCE_PROGRESS_META)!)[PLAN[0]!.id]).toMatchObject({ done: true, keys: KEYS });
});

test('a transfer cut short resumes after the last batch stored, in a new engine (a restart)', async () => {
  const serve = await startSource();
  const store = new DigestTrackingStore(new MemoryStore(), new DigestIndex());
  let batchesAnswered = 0;
  const failingAfterOneBatch = async (body: PeerMessage) => {
    if (body.type === 'rangeTransferRequest' && batchesAnswered++ >= 1) throw new SwarmError('unavailable', 'the source went away');
    return serve(body);
  };
  expect(await joiner(store, new RecordingLogger(), failingAfterOneBatch).run(PLAN)).toBe(false);
  const saved = JSON.parse(store.getMeta(REBALANCE_PROGRESS_META)!)[PLAN[0]!.id];
  expect(saved).toMatchObject({ done: false, keys: RANGE_TRANSFER_BATCH_KEYS_MAX });
  expect(store.stats().liveKeys).toBe(RANGE_TRANSFER_BATCH_KEYS_MAX);
  const resumed = new RecordingLogger();
  expect(await joiner(store, resumed, serve).run(PLAN)).toBe(true);
  expect(store.stats().liveKeys).toBe(KEYS);
  expect(resumed.lines.find((line) => line.event === 'rebalance.transfer_started')?.fields).toMatchObject({ resumedAtKeys: RANGE_TRANSFER_BATCH_KEYS_MAX });
  expect(resumed.lines.find((line) => line.event === 'rebalance.transfer_finished')?.fields).toMatchObject({ keys: KEYS, applied: KEYS - RANGE_TRANSFER_BATCH_KEYS_MAX });
});

describe('which replicas a range comes from', () => {
  const DISPLACED = '00000000000000d0';
  const STAYING = ['00000000000000e0', '00000000000000f0'];
  const SPLIT_PLAN = [{ id: transferId(WHOLE_RING), interval: WHOLE_RING, sources: [DISPLACED, ...STAYING], displaced: DISPLACED }];

  // Each replica holds the common keys, and one write acknowledged by it and one other that the third
  // lacks (its copy still in flight, or lost): the copies a joiner can miss by streaming from one.
  async function replicas() {
    const common = ALL_KEYS.slice(0, 100);
    const serves = new Map([
      [DISPLACED, await startSource([...common, record('on-d-and-e', 30), record('on-d-and-f', 30)])],
      [STAYING[0]!, await startSource([...common, record('on-d-and-e', 30), record('on-e-and-f', 30)])],
      [STAYING[1]!, await startSource([...common, record('on-d-and-f', 30), record('on-e-and-f', 30)])],
    ]);
    const asked: string[] = [];
    const request = (to: string, body: PeerMessage) => {
      if (body.type === 'rangeTransferRequest') asked.push(to);
      return serves.get(to)!(body);
    };
    return { asked, request };
  }

  function engine(store: DigestTrackingStore, request: (to: string, body: PeerMessage) => Promise<PeerMessage>, down: ReadonlySet<string>): RebalanceEngine {
    return new RebalanceEngine({ selfId: SELF, request, store, isHealthy: (nodeId) => !down.has(nodeId), logger: new RecordingLogger(), clock: systemClock });
  }

  test('from the displaced replica alone when it is up: every write it acknowledged comes with it', async () => {
    const { asked, request } = await replicas();
    const store = new DigestTrackingStore(new MemoryStore(), new DigestIndex());
    expect(await engine(store, request, new Set()).run(SPLIT_PLAN)).toBe(true);
    expect(new Set(asked)).toEqual(new Set([DISPLACED]));
    expect(store.get('on-d-and-e')).toBeDefined();
    expect(store.get('on-d-and-f')).toBeDefined();
  });

  test('without the displaced replica, merged from every other replica: nothing only one of them holds is missed', async () => {
    const { asked, request } = await replicas();
    const store = new DigestTrackingStore(new MemoryStore(), new DigestIndex());
    expect(await engine(store, request, new Set([DISPLACED])).run(SPLIT_PLAN)).toBe(true);
    expect(new Set(asked)).toEqual(new Set(STAYING));
    for (const key of ['on-d-and-e', 'on-d-and-f', 'on-e-and-f']) expect(store.get(key)).toBeDefined();
    expect(store.stats().liveKeys).toBe(103);
    expect(JSON.parse(store.getMeta(REBALANCE_PROGRESS_META)!)[SPLIT_PLAN[0]!.id]).toMatchObject({ done: true });
  });

  test('a merge leg that fails fails the round, and the range is not marked done', async () => {
    const { request } = await replicas();
    const failing = (to: string, body: PeerMessage) => (to === STAYING[1] && body.type === 'rangeTransferRequest' ? Promise.reject(new SwarmError('unavailable', 'gone')) : request(to, body));
    const store = new DigestTrackingStore(new MemoryStore(), new DigestIndex());
    expect(await engine(store, failing, new Set([DISPLACED])).run(SPLIT_PLAN)).toBe(false);
    expect(JSON.parse(store.getMeta(REBALANCE_PROGRESS_META) ?? '{}')[SPLIT_PLAN[0]!.id]?.done).not.toBe(true);
  });
});
