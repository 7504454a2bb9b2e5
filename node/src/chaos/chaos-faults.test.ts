import { describe, expect, test } from 'bun:test';
import { ManualClock, ManualTimers, OffsetClock } from '../clock';
import { SwarmError } from '../errors';
import { CHAOS_EVENTS_KEPT_MAX } from '../limits';
import type { LogFields, Logger } from '../log';
import { ChaosFaults } from './chaos-faults';
import type { ChaosEvent } from './chaos-types';
import type { KillMemory } from './kill-memory';
import { resolvePeers } from './chaos-peers';

const N2 = { nodeId: '2222222222222222', name: 'n2' };
const N3 = { nodeId: '3333333333333333', name: 'n3' };
const SELF = { nodeId: '1111111111111111', name: 'n1' };

function logger(lines: { event: string; fields: LogFields | undefined }[]): Logger {
  const log = (event: string, fields?: LogFields) => void lines.push({ event, fields });
  const self: Logger = { debug: log, info: log, warn: log, error: log, child: () => self };
  return self;
}

/** `earlyWakeMs`: each sleep ends that much before its timeout by the real clock, as Atomics.wait's can. */
function faults(earlyWakeMs = 0, supervised = false, killMemory?: KillMemory, memory = false, random?: () => number) {
  const realClock = new ManualClock(1_000_000);
  const clock = new OffsetClock(realClock, 0);
  const timers = new ManualTimers();
  const lines: { event: string; fields: LogFields | undefined }[] = [];
  const effects = { stops: [] as number[], kills: 0 };
  const chaos = new ChaosFaults({
    ...SELF,
    clock,
    realClock,
    timers,
    logger: logger(lines),
    supervised,
    memory,
    ...(killMemory === undefined ? {} : { killMemory }),
    ...(random === undefined ? {} : { random }),
    effects: {
      stopTheWorld: (durationMs) => {
        effects.stops.push(durationMs);
        realClock.advance(Math.max(1, durationMs - earlyWakeMs));
      },
      killProcess: () => void effects.kills++,
    },
  });
  return { chaos, realClock, clock, timers, lines, effects };
}

describe('the chaos fault state', () => {
  test('a delay holds messages to its peers only, draws its jitter per message, lifts by itself, and is counted', () => {
    const draws = [0, 0.999, 0.5];
    const { chaos, timers, lines } = faults(0, false, undefined, false, () => draws.shift() ?? 0);
    chaos.delay([N2], { delayMs: 200, jitterMs: 50 }, 10_000, { run: 'r' });
    chaos.delay([N3], { delayMs: 100, jitterMs: 0 }, undefined, {});
    expect([chaos.holdMsFor(N2.nodeId), chaos.holdMsFor(N2.nodeId), chaos.holdMsFor(N2.nodeId)]).toEqual([200, 250, 225]);
    expect([chaos.holdMsFor(N3.nodeId), chaos.holdMsFor(SELF.nodeId)]).toEqual([100, 0]);
    expect(chaos.delayedMessages()).toBe(4);
    expect(chaos.state().delayed).toEqual([
      { ...N2, delayMs: 200, jitterMs: 50, untilMs: 1_010_000 },
      { ...N3, delayMs: 100, jitterMs: 0, untilMs: null },
    ]);
    timers.advance(10_000);
    expect(chaos.holdMsFor(N2.nodeId)).toBe(0);
    expect(chaos.state().delayed.map((peer) => peer.name)).toEqual(['n3']);
    const delays = chaos.state().events.filter((event) => event.kind === 'delay');
    expect(delays.map(({ peers, delayMs, jitterMs, durationMs, run }) => ({ peers, delayMs, jitterMs, durationMs, run }))).toEqual([
      { peers: ['n2'], delayMs: 200, jitterMs: 50, durationMs: 10_000, run: 'r' },
      { peers: ['n3'], delayMs: 100, jitterMs: undefined, durationMs: undefined, run: undefined },
      { peers: ['n2'], delayMs: 0, jitterMs: undefined, durationMs: undefined, run: undefined },
    ]);
    expect(lines.filter(({ event }) => event === 'chaos.delay')).toHaveLength(3);
  });

  test('a hold of 0 lifts a delay; a heal lifts delays with the partition, and names each peer once', () => {
    const { chaos, timers } = faults();
    chaos.delay([N2, N3], { delayMs: 300, jitterMs: 0 }, 5_000, {});
    chaos.delay([N3], { delayMs: 0, jitterMs: 0 }, undefined, {});
    expect([chaos.holdMsFor(N2.nodeId), chaos.holdMsFor(N3.nodeId)]).toEqual([300, 0]);
    chaos.partition([N2], undefined, {});
    chaos.delay([N3], { delayMs: 50, jitterMs: 0 }, undefined, {});
    chaos.heal(undefined, { run: 'h' });
    expect(chaos.state().delayed).toEqual([]);
    expect(chaos.blocks(N2.nodeId)).toBe(false);
    expect(chaos.state().events.at(-1)).toMatchObject({ kind: 'heal', peers: ['n2', 'n3'], run: 'h' });
    // The lifted delay's timer no longer records anything when its time comes.
    const eventsBefore = chaos.state().events.length;
    timers.advance(5_000);
    expect(chaos.state().events.length).toBe(eventsBefore);
  });

  test('a partition blocks its peers until healed, tells its listeners each time, and records both events', () => {
    const { chaos, lines } = faults();
    let changes = 0;
    chaos.onPartitionChange(() => changes++);
    chaos.partition([N2], undefined, { run: 'r1' });
    chaos.partition([N3], undefined, {});
    expect([chaos.blocks(N2.nodeId), chaos.blocks(N3.nodeId), chaos.blocks(SELF.nodeId)]).toEqual([true, true, false]);
    expect(chaos.state().partition).toEqual({ peers: [N2, N3], untilMs: null });
    chaos.heal([N2.nodeId], {});
    expect([chaos.blocks(N2.nodeId), chaos.blocks(N3.nodeId)]).toEqual([false, true]);
    chaos.heal(undefined, { run: 'r2' });
    expect(chaos.state().partition.peers).toEqual([]);
    expect(changes).toBe(4);
    expect(chaos.state().events.map((event) => [event.kind, event.peers, event.run])).toEqual([
      ['partition', ['n2'], 'r1'],
      ['partition', ['n3'], undefined],
      ['heal', ['n2'], undefined],
      ['heal', ['n3'], 'r2'],
    ]);
    expect(lines.map((line) => line.event)).toEqual(['chaos.partition', 'chaos.partition', 'chaos.heal', 'chaos.heal']);
    expect(chaos.faultCounts().get('partition')).toBe(2);
  });

  test('a partition with a duration heals by itself; the latest request sets when', () => {
    const { chaos, timers, realClock } = faults();
    chaos.partition([N2], 10_000, { run: 'timed' });
    expect(chaos.state().partition.untilMs).toBe(realClock.nowMs() + 10_000);
    timers.advance(5000);
    chaos.partition([N3], 20_000, {});
    timers.advance(10_000);
    expect(chaos.blocks(N2.nodeId)).toBe(true);
    timers.advance(10_000);
    expect([chaos.blocks(N2.nodeId), chaos.blocks(N3.nodeId)]).toEqual([false, false]);
    expect(chaos.state().partition).toEqual({ peers: [], untilMs: null });
    expect(chaos.state().events.at(-1)).toMatchObject({ kind: 'heal', peers: ['n2', 'n3'] });
  });

  test('dropped messages are counted', () => {
    const { chaos } = faults();
    chaos.dropped();
    chaos.dropped();
    expect(chaos.droppedMessages()).toBe(2);
  });

  test('a skew moves the node clock, not the real time of its events; 0 restores it', () => {
    const { chaos, clock, realClock } = faults();
    chaos.skew(3_600_000, { run: 'skew' });
    expect(clock.nowMs()).toBe(realClock.nowMs() + 3_600_000);
    expect(chaos.state().clockOffsetMs).toBe(3_600_000);
    expect(chaos.state().events[0]).toEqual({ atMs: realClock.nowMs(), kind: 'skew', offsetMs: 3_600_000, run: 'skew' });
    chaos.skew(0, {});
    expect(clock.nowMs()).toBe(realClock.nowMs());
  });

  test('a pause stops only when its stop runs, then records the resumption', () => {
    const { chaos, effects, realClock } = faults();
    const { pausedUntilMs, stop } = chaos.pause(2000, { run: 'p' });
    expect(pausedUntilMs).toBe(realClock.nowMs() + 2000);
    expect(chaos.state().pausedUntilMs).toBe(pausedUntilMs);
    expect(effects.stops).toEqual([]);
    stop();
    expect(effects.stops).toEqual([2000]);
    expect(chaos.state().pausedUntilMs).toBeNull();
    expect(chaos.state().events.map((event) => event.kind)).toEqual(['pause', 'resume']);
  });

  test('a sleep that ends early by the real clock is slept again: the resumption is never before the pause ends', () => {
    const { chaos, effects, realClock } = faults(1);
    const { pausedUntilMs, stop } = chaos.pause(2500, { run: 'p' });
    stop();
    expect(effects.stops).toEqual([2500, 1]);
    expect(realClock.nowMs()).toBe(pausedUntilMs);
    const [pause, resume] = chaos.state().events;
    expect(resume!.atMs - pause!.atMs).toBe(2500);
  });

  test('a kill is recorded at once and happens only when its die runs', async () => {
    const { chaos, effects } = faults();
    const { die } = await chaos.kill(undefined, { run: 'k' });
    expect(effects.kills).toBe(0);
    expect(chaos.state().events).toMatchObject([{ kind: 'kill', run: 'k' }]);
    die();
    expect(effects.kills).toBe(1);
  });

  test("a kill asking for a restart is refused unless a supervisor restarts the node; its log line carries the wait", async () => {
    const unsupervised = faults();
    expect(unsupervised.chaos.state().supervised).toBe(false);
    const refusal = await unsupervised.chaos.kill(20_000, {}).then(() => 'killed', (error: unknown) => error);
    expect(refusal).toBeInstanceOf(SwarmError);
    expect(refusal).toMatchObject({ code: 'conflict', details: { field: 'restartAfterMs' } });
    expect(unsupervised.chaos.state().events).toEqual([]);
    expect(unsupervised.lines).toEqual([]);

    const supervised = faults(0, true);
    expect(supervised.chaos.state().supervised).toBe(true);
    // A --memory node would come back empty, as a new member: not this one back.
    const inMemory = faults(0, true, undefined, true);
    expect(inMemory.chaos.state().supervised).toBe(false);
    expect(await inMemory.chaos.kill(20_000, {}).then(() => 'killed', (error: unknown) => error)).toMatchObject({ code: 'conflict', message: expect.stringContaining('new, empty member') });
    expect(inMemory.chaos.state().events).toEqual([]);

    await supervised.chaos.kill(20_000, { run: 'k' });
    expect(supervised.chaos.state().events).toMatchObject([{ kind: 'kill', restartAfterMs: 20_000, run: 'k' }]);
    expect(supervised.lines).toEqual([{ event: 'chaos.kill', fields: { restartAfterMs: 20_000, run: 'k' } }]);
  });

  test("a kill is remembered before it answers, and the next run's timeline starts with it (not counted as this run's)", async () => {
    const kept: ChaosEvent[] = [];
    const memory: KillMemory = { remember: async (event) => void kept.push(event), recall: () => kept.shift() };
    const first = faults(0, true, memory);
    first.chaos.skew(1000, {});
    const { killedAtMs } = await first.chaos.kill(15_000, { run: 'k' });
    expect(kept).toEqual([{ atMs: killedAtMs, kind: 'kill', restartAfterMs: 15_000, run: 'k' }]);

    const next = faults(0, true, memory);
    expect(kept).toEqual([]);
    next.chaos.skew(0, {});
    expect(next.chaos.state().events.map((event) => event.kind)).toEqual(['kill', 'skew']);
    expect(next.chaos.state().events[0]).toEqual({ atMs: killedAtMs, kind: 'kill', restartAfterMs: 15_000, run: 'k' });
    expect(next.chaos.faultCounts().get('kill')).toBe(0);
    // And on the new run's log, since the kill's own line died with the old process.
    expect(next.lines[0]).toEqual({ event: 'chaos.restarted_after_kill', fields: { killedAt: new Date(killedAtMs).toISOString(), downMs: 0, restartAfterMs: 15_000, run: 'k' } });
  });

  test('a kill the store cannot remember still kills, and says why on a warn line', async () => {
    const memory: KillMemory = { remember: () => Promise.reject(new Error('MDB_MAP_FULL')), recall: () => undefined };
    const { chaos, effects, lines } = faults(0, false, memory);
    const { die } = await chaos.kill(undefined, {});
    die();
    expect(effects.kills).toBe(1);
    expect(lines.map((line) => line.event)).toEqual(['chaos.kill', 'chaos.kill_remember_failed']);
  });

  test(`at most ${CHAOS_EVENTS_KEPT_MAX} events are kept, oldest dropped first; the counts keep counting`, () => {
    const { chaos } = faults();
    for (let offset = 1; offset <= CHAOS_EVENTS_KEPT_MAX + 5; offset++) chaos.skew(offset, {});
    const events = chaos.state().events;
    expect(events.length).toBe(CHAOS_EVENTS_KEPT_MAX);
    expect(events[0]!.offsetMs).toBe(6);
    expect(chaos.faultCounts().get('skew')).toBe(CHAOS_EVENTS_KEPT_MAX + 5);
  });
});

describe('resolving the peers a request names', () => {
  const known = [N2, N3];

  test('by node id or name, without duplicates', () => {
    expect(resolvePeers(['n2', N3.nodeId, N2.nodeId], SELF, known)).toEqual([N2, N3]);
  });

  test('unknown names are refused together, naming each', () => {
    const error = (() => {
      try {
        resolvePeers(['n2', 'n9', 'n8'], SELF, known);
      } catch (caught) {
        return caught as SwarmError;
      }
      throw new Error('accepted');
    })();
    expect(error.code).toBe('unknown_peer');
    expect(error.details.peers).toEqual(['n9', 'n8']);
  });

  test('this node itself is refused', () => {
    expect(() => resolvePeers(['n1'], SELF, known)).toThrow(/itself/);
  });
});
