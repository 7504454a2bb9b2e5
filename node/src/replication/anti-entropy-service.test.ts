// The service's lifecycle, on its own: one pass at a time, periodic ticks, backing off while busy,
// and an idempotent close after which nothing runs, on timers the test moves (no real time passes).
// (What a pass does is proven in anti-entropy.test.ts.)

import { describe, expect, test } from 'bun:test';
import { ManualTimers, systemClock } from '../clock';
import type { Logger, LogFields } from '../log';
import { ConnectionWatch } from '../transport';
import { ANTI_ENTROPY_BACKOFF_FACTOR_MAX, AntiEntropyService, MEMBER_RETURN_PASS_DELAY_MS, RING_CHANGE_FOLLOW_UP_MS, RING_CHANGE_FOLLOW_UPS_MAX, type AntiEntropyDeps } from './anti-entropy-service';
import { DigestIndex } from './digest-index';
import { LocalReplica } from './local-replica';
import { MemoryStore } from '../storage';

const SELF = 'aaaaaaaaaaaaaaaa';
const PEER = 'bbbbbbbbbbbbbbbb';

function recordingLogger(): { logger: Logger; events: Array<[string, LogFields]> } {
  const events: Array<[string, LogFields]> = [];
  const log = (event: string, fields: LogFields = {}) => void events.push([event, fields]);
  const logger: Logger = { debug: log, info: log, warn: log, error: log, child: () => logger };
  return { logger, events };
}

function service(overrides: Partial<AntiEntropyDeps> = {}) {
  const { logger, events } = recordingLogger();
  const never = () => new Promise<never>(() => {});
  const deps: AntiEntropyDeps = {
    selfId: SELF,
    comparison: { index: new DigestIndex(), local: new LocalReplica(SELF, new MemoryStore()), requester: { request: never }, connections: new ConnectionWatch() },
    // The co-replica is down: a pass skips it, so no request is ever made.
    liveness: { isHealthy: () => false },
    ranges: () => [
      { start: '0000000000000000', end: '8000000000000000', replicas: [SELF, PEER] },
      { start: '8000000000000000', end: '0000000000000000', replicas: [PEER, SELF] },
      { start: '8000000000000000', end: '9000000000000000', replicas: [PEER] },
    ],
    clock: systemClock,
    logger,
    intervalMs: 0,
    ...overrides,
  };
  return { service: new AntiEntropyService(deps), events };
}

const passes = (events: Array<[string, LogFields]>) => events.filter(([event]) => event === 'repair.pass_completed').map(([, fields]) => fields);

describe('AntiEntropyService', () => {
  test('a pass covers the ranges this node replicates, skips down co-replicas, and records its completion', async () => {
    const { service: repair, events } = service();
    expect(repair.status()).toMatchObject({ running: false, startedAt: null, lastCompleted: null });
    expect(repair.startPass()).toBe(true);
    expect(repair.startPass()).toBe(false);
    expect(repair.status()).toMatchObject({ running: true, rangesTotal: 2 });
    await repair.whenIdle();
    expect(repair.status()).toMatchObject({ running: false, rangesDone: 2, rangesTotal: 2, keysRepaired: 0, lastCompleted: { keysRepaired: 0, bytesExchanged: 0 } });
    expect(passes(events)).toEqual([expect.objectContaining({ trigger: 'manual', comparisons: 0, skipped: 2, failed: 0 })]);
    await repair.close();
  });

  test('with an interval, passes run on their own tick; close is idempotent and stops them', async () => {
    const timers = new ManualTimers();
    const { service: repair, events } = service({ intervalMs: 10, timers });
    repair.start();
    repair.start();
    // One tick pending, one interval away: start twice schedules once.
    expect(timers.pendingDelaysMs()).toEqual([10]);
    timers.advance(9);
    expect(passes(events)).toEqual([]);
    for (let tick = 1; tick <= 3; tick++) {
      timers.advance(tick === 1 ? 1 : 10);
      await repair.whenIdle();
      expect(passes(events)).toHaveLength(tick);
      // The next tick is scheduled one interval after the pass ends, not before it.
      expect(timers.pendingDelaysMs()).toEqual([10]);
    }
    expect(passes(events).every((fields) => fields.trigger === 'periodic')).toBe(true);
    const closing = repair.close();
    expect(repair.close()).toBe(closing);
    await closing;
    expect(timers.pendingDelaysMs()).toEqual([]);
    timers.advance(1000);
    expect(passes(events)).toHaveLength(3);
    expect(repair.startPass()).toBe(false);
  });

  test('while the node is busy, ticks are deferred with a growing interval instead of running passes', async () => {
    const timers = new ManualTimers();
    let busy = true;
    const { service: repair, events } = service({ intervalMs: 5, busy: () => busy, timers });
    const deferred = () => events.filter(([event]) => event === 'repair.deferred').map(([, fields]) => fields.nextInMs as number);
    repair.start();
    // Each deferral doubles the wait, up to ANTI_ENTROPY_BACKOFF_FACTOR_MAX intervals; no pass runs.
    for (const waitMs of [5, 10, 20, 40, 40]) {
      timers.advance(waitMs - 1);
      const before = deferred().length;
      timers.advance(1);
      expect(deferred()).toHaveLength(before + 1);
    }
    expect(deferred()).toEqual([10, 20, 40, 40, 40]);
    expect(Math.max(...deferred())).toBe(5 * ANTI_ENTROPY_BACKOFF_FACTOR_MAX);
    expect(passes(events)).toEqual([]);
    // Once the node is no longer busy, the next tick runs a pass, and the interval returns to its base.
    busy = false;
    timers.advance(40);
    await repair.whenIdle();
    expect(passes(events)).toHaveLength(1);
    expect(timers.pendingDelaysMs()).toEqual([5]);
    await repair.close();
  });

  test('a ring-change pass that skipped a co-replica is followed up, doubling, a bounded number of times', async () => {
    const timers = new ManualTimers();
    const { service: repair, events } = service({ timers });
    repair.requestPass();
    await repair.whenIdle();
    const delays: number[] = [];
    for (let followUp = 0; followUp < RING_CHANGE_FOLLOW_UPS_MAX; followUp++) {
      delays.push(...timers.pendingDelaysMs());
      timers.advance(timers.pendingDelaysMs()[0]!);
      await repair.whenIdle();
    }
    expect(delays).toEqual([1, 2, 4, 8].map((factor) => factor * RING_CHANGE_FOLLOW_UP_MS));
    expect(passes(events).map((fields) => [fields.trigger, fields.skipped])).toEqual([['ring_change', 2], ...delays.map(() => ['ring_change_follow_up', 2])]);
    // Then the periodic passes take over (none here: the interval is 0).
    expect(timers.pendingDelaysMs()).toEqual([]);
    await repair.close();
  });

  test('a ring-change pass started before the ring settled is followed up until one is complete', async () => {
    const timers = new ManualTimers();
    let settled = false;
    let ranges: AntiEntropyDeps['ranges'] = () => [{ start: '0000000000000000', end: '0000000000000000', replicas: [SELF] }];
    const { service: repair, events } = service({ timers, liveness: { isHealthy: () => true }, ranges: () => ranges(), ringSettled: () => settled });
    repair.requestPass();
    await repair.whenIdle();
    expect(timers.pendingDelaysMs()).toEqual([RING_CHANGE_FOLLOW_UP_MS]);
    settled = true;
    timers.advance(RING_CHANGE_FOLLOW_UP_MS);
    await repair.whenIdle();
    expect(passes(events).map((fields) => [fields.trigger, fields.ringSettled])).toEqual([['ring_change', false], ['ring_change_follow_up', true]]);
    expect(timers.pendingDelaysMs()).toEqual([]);
    // A manual pass is not followed up, settled or not.
    settled = false;
    repair.startPass();
    await repair.whenIdle();
    expect(timers.pendingDelaysMs()).toEqual([]);
    // Nor a ring-change pass on a node that replicates no range (a joiner hearing of an old removal).
    ranges = () => [];
    repair.requestPass();
    await repair.whenIdle();
    expect(timers.pendingDelaysMs()).toEqual([]);
    await repair.close();
  });

  test("a member's return asks for one pass MEMBER_RETURN_PASS_DELAY_MS later, shared by returns meanwhile, and runs it in place of the tick", async () => {
    const timers = new ManualTimers();
    const { service: repair, events } = service({ intervalMs: 60_000, timers, liveness: { isHealthy: () => true }, ranges: () => [{ start: '0000000000000000', end: '0000000000000000', replicas: [SELF] }] });
    repair.memberReturned();
    expect(timers.pendingDelaysMs()).toEqual([]);
    repair.start();
    repair.memberReturned();
    repair.memberReturned();
    expect(timers.pendingDelaysMs().sort((a, b) => a - b)).toEqual([MEMBER_RETURN_PASS_DELAY_MS, 60_000]);
    timers.advance(MEMBER_RETURN_PASS_DELAY_MS);
    await repair.whenIdle();
    expect(passes(events).map((fields) => fields.trigger)).toEqual(['member_returned']);
    // Complete, so no follow-up: the periodic tick, one interval after the pass.
    expect(timers.pendingDelaysMs()).toEqual([60_000]);
    await repair.close();
    repair.memberReturned();
    expect(timers.pendingDelaysMs()).toEqual([]);
  });

  test('with passes only on request (interval 0), a return asks for none', () => {
    const timers = new ManualTimers();
    const { service: repair } = service({ timers });
    repair.start();
    repair.memberReturned();
    expect(timers.pendingDelaysMs()).toEqual([]);
  });

  test('a pass that fails as a whole is logged, not thrown, and the next one can start', async () => {
    const { service: repair, events } = service({
      ranges: () => {
        throw new Error('no ring');
      },
    });
    expect(repair.startPass()).toBe(true);
    await repair.whenIdle();
    expect(events.map(([event]) => event)).toContain('repair.pass_failed');
    expect(repair.status().running).toBe(false);
    expect(repair.startPass()).toBe(true);
    await repair.close();
  });
});
