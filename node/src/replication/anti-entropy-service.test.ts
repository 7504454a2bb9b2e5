// The service's lifecycle, on its own: one pass at a time, periodic ticks, backing off while busy,
// and an idempotent close after which nothing runs. (What a pass does is proven in anti-entropy.test.ts.)

import { describe, expect, test } from 'bun:test';
import { systemClock } from '../clock';
import type { Logger, LogFields } from '../log';
import { ConnectionWatch } from '../transport';
import { AntiEntropyService, type AntiEntropyDeps } from './anti-entropy-service';
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
    const { service: repair, events } = service({ intervalMs: 10 });
    repair.start();
    repair.start();
    await Bun.sleep(100);
    const ran = passes(events).length;
    expect(ran).toBeGreaterThanOrEqual(2);
    expect(passes(events).every((fields) => fields.trigger === 'periodic')).toBe(true);
    const closing = repair.close();
    expect(repair.close()).toBe(closing);
    await closing;
    await Bun.sleep(50);
    expect(passes(events).length).toBe(ran);
    expect(repair.startPass()).toBe(false);
  });

  test('while the node is busy, ticks are deferred with a growing interval instead of running passes', async () => {
    const { service: repair, events } = service({ intervalMs: 5, busy: () => true });
    repair.start();
    await Bun.sleep(120);
    await repair.close();
    const deferred = events.filter(([event]) => event === 'repair.deferred').map(([, fields]) => fields.nextInMs as number);
    expect(passes(events)).toEqual([]);
    expect(deferred.slice(0, 3)).toEqual([10, 20, 40]);
    expect(Math.max(...deferred)).toBeLessThanOrEqual(40);
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
