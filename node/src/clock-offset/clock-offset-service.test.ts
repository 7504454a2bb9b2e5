import { expect, test } from 'bun:test';
import { ManualClock, ManualTimers } from '../clock';
import { SwarmError } from '../errors';
import type { PeerMessage } from '../transport';
import { CLOCK_FIRST_READING_WAIT_MS, CLOCK_PROBE_INTERVAL_MS } from './clock-offset-limits';
import { ClockOffsetMonitor } from './clock-offset-monitor';
import { ClockOffsetService, serveClockProbes, type ClockRpc } from './clock-offset-service';

/** Peers answering through a fake rpc: b 3 s ahead at once, c never (its answers are held), d unreachable. */
function fakeRpc(clock: ManualClock) {
  const held: (() => void)[] = [];
  const sent: string[] = [];
  const rpc: ClockRpc = {
    serve: () => undefined,
    request: (nodeId) => {
      sent.push(nodeId);
      if (nodeId === 'd') return Promise.reject(new SwarmError('unavailable', 'no connection to d'));
      const answer: PeerMessage = { type: 'clockReading', clockMs: clock.nowMs() + 3000 };
      if (nodeId === 'b') return Promise.resolve(answer);
      return new Promise((resolve) => held.push(() => resolve(answer)));
    },
  };
  return { rpc, sent, held };
}

test('each round reads every peer once, never more than one probe in flight to a peer, and an unreachable one changes nothing', async () => {
  const clock = new ManualClock();
  const timers = new ManualTimers();
  const monotonic = { nowMs: () => clock.nowMs() };
  const monitor = new ClockOffsetMonitor({ clock, monotonic, maxOffsetMs: 500 });
  const { rpc, sent, held } = fakeRpc(clock);
  const service = new ClockOffsetService({ rpc, monitor, peers: () => ['b', 'c', 'd'], timers });
  service.start();
  await Promise.resolve();
  expect(sent).toEqual(['b', 'c', 'd']);
  expect(monitor.peers()).toEqual([{ nodeId: 'b', offsetMs: 3000, uncertaintyMs: 0, ageMs: 0 }]);
  timers.advance(CLOCK_PROBE_INTERVAL_MS);
  // c's first probe is still out: it is not asked again.
  expect(sent).toEqual(['b', 'c', 'd', 'b', 'd']);
  held.shift()!();
  await new Promise((resolve) => setTimeout(resolve, 0));
  expect(monitor.peers().map((peer) => peer.nodeId).sort()).toEqual(['b', 'c']);
  // Both measured peers 3 s ahead: this node is the one off.
  expect(monitor.verdict()).toMatchObject({ synchronized: false, peersBeyond: 2, peersMeasured: 2 });
  service.close();
  timers.advance(10 * CLOCK_PROBE_INTERVAL_MS);
  expect(sent).toHaveLength(5);
});

test('a probe is answered with the wall clock versions are made from', () => {
  const clock = new ManualClock(1_800_000_000_123);
  const handlers = new Map<string, (from: string, body: PeerMessage) => PeerMessage>();
  serveClockProbes({ serve: (type, handler) => handlers.set(type, handler), request: () => Promise.reject(new Error('unused')) }, clock);
  expect(handlers.get('clockProbe')!('b', { type: 'clockProbe' })).toEqual({ type: 'clockReading', clockMs: 1_800_000_000_123 });
});

/** A service over the fake rpc, with writes held until the first reading when `hold` says so. */
function serviceWith(peers: string[], hold: () => boolean) {
  const clock = new ManualClock();
  const timers = new ManualTimers();
  const monitor = new ClockOffsetMonitor({ clock, monotonic: { nowMs: () => clock.nowMs() }, maxOffsetMs: 500 });
  const fake = fakeRpc(clock);
  const service = new ClockOffsetService({ rpc: fake.rpc, monitor, peers: () => peers, holdWritesUntilRead: hold, timers });
  return { service, timers, monitor, ...fake };
}

const settledSoon = (promise: Promise<void>) => Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 20))]);

test('a node just started holds writes until its first reading of a peer: then the verdict can already refuse them', async () => {
  const { service, monitor, held } = serviceWith(['c'], () => true);
  const hold = service.firstReading();
  expect(hold).toBeInstanceOf(Promise);
  service.start();
  expect(await settledSoon(hold!)).toBe(false);
  held.shift()!();
  expect(await settledSoon(hold!)).toBe(true);
  // c answered 3 s ahead, the only peer measured: the first write after the hold is refused.
  expect(monitor.verdict()).toMatchObject({ synchronized: false, peersMeasured: 1, peersBeyond: 1 });
  expect(service.firstReading()).toBeUndefined();
  service.close();
});

test('the hold ends after CLOCK_FIRST_READING_WAIT_MS without a reading, and never starts for a node expecting no peer', async () => {
  const waiting = serviceWith(['d'], () => true);
  const hold = waiting.service.firstReading()!;
  waiting.service.start();
  expect(await settledSoon(hold)).toBe(false);
  waiting.timers.advance(CLOCK_FIRST_READING_WAIT_MS);
  expect(await settledSoon(hold)).toBe(true);
  expect(waiting.service.firstReading()).toBeUndefined();
  waiting.service.close();
  const alone = serviceWith([], () => false);
  expect(alone.service.firstReading()).toBeUndefined();
  // close settles a hold still waiting, so no write is left behind by a stopping node.
  const closing = serviceWith(['d'], () => true);
  const pending = closing.service.firstReading()!;
  closing.service.close();
  expect(await settledSoon(pending)).toBe(true);
});

test('a peer that connects is read at once, not at the next round; before start nothing is sent', async () => {
  const { service, sent, timers } = serviceWith([], () => true);
  service.probeNow('b');
  expect(sent).toEqual([]);
  service.start();
  service.probeNow('b');
  await Promise.resolve();
  expect(sent).toEqual(['b']);
  timers.advance(CLOCK_PROBE_INTERVAL_MS);
  expect(sent).toEqual(['b']);
  service.close();
});
