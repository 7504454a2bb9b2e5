import { expect, test } from 'bun:test';
import { ManualClock, ManualTimers } from '../clock';
import { SwarmError } from '../errors';
import type { PeerMessage } from '../transport';
import { CLOCK_PROBE_INTERVAL_MS } from './clock-offset-limits';
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
