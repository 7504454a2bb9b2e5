import { describe, expect, test } from 'bun:test';
import { ManualClock, OffsetClock } from '../clock';
import { CLOCK_SAMPLE_AGE_MS_MAX } from './clock-offset-limits';
import { ClockOffsetMonitor, writeRefusalOf, type ClockVerdict } from './clock-offset-monitor';

const HOUR_MS = 3_600_000;

/** A node's clocks: real time (shared by every node), its wall clock (real time plus its skew) and its monotonic clock. */
function clocks() {
  const real = new ManualClock(1_800_000_000_000);
  const wall = new OffsetClock(real);
  const monotonic = { nowMs: () => real.nowMs() - 1_799_000_000_000 };
  return { real, wall, monotonic };
}

function monitorOf(maxOffsetMs = 500) {
  const c = clocks();
  const changes: ClockVerdict[] = [];
  const monitor = new ClockOffsetMonitor({ clock: c.wall, monotonic: c.monotonic, maxOffsetMs, onChange: (verdict) => changes.push(verdict) });
  /** A round trip of `roundTripMs` to a peer whose clock runs `peerOffsetMs` off real time, answering halfway. */
  const read = (nodeId: string, peerOffsetMs: number, roundTripMs = 2) => {
    const sentMonotonicMs = monitor.probeSentAt();
    c.real.advance(roundTripMs / 2);
    const peerClockMs = c.real.nowMs() + peerOffsetMs;
    c.real.advance(roundTripMs / 2);
    monitor.record(nodeId, peerClockMs, sentMonotonicMs);
  };
  return { ...c, monitor, changes, read };
}

describe('ClockOffsetMonitor', () => {
  test('a peer answering halfway through the round trip is measured at its offset, uncertain by half the round trip', () => {
    const { monitor, read } = monitorOf();
    read('b', 300, 40);
    expect(monitor.peers()).toEqual([{ nodeId: 'b', offsetMs: 300, uncertaintyMs: 20, ageMs: 0 }]);
  });

  test('one clock wrong among three: only its node stops versioning writes, and says by how much', () => {
    const good = monitorOf();
    good.read('b', 0);
    good.read('c', HOUR_MS);
    expect(good.monitor.verdict()).toMatchObject({ synchronized: true, offsetMs: 0, peersMeasured: 2, peersBeyond: 1 });

    const skewed = monitorOf();
    skewed.wall.offsetMs = HOUR_MS;
    skewed.read('a', 0);
    skewed.read('b', 0);
    const verdict = skewed.monitor.verdict();
    expect(verdict).toMatchObject({ synchronized: false, offsetMs: HOUR_MS, peersMeasured: 2, peersBeyond: 2, maxOffsetMs: 500 });
    expect(skewed.changes.map((change) => change.synchronized)).toEqual([false]);
    const refusal = writeRefusalOf(verdict)!;
    expect(refusal.status).toBe(503);
    expect(refusal.toJSON()).toMatchObject({ error: 'unavailable', reason: 'clock_offset', offsetMs: HOUR_MS, maxOffsetMs: 500 });
    expect(refusal.message).toContain(`${HOUR_MS} ms ahead of its cluster's`);
    expect(writeRefusalOf(good.monitor.verdict())).toBeUndefined();
  });

  test('an offset within the round trip’s uncertainty is not held against the peer', () => {
    const { monitor, read } = monitorOf(500);
    read('b', 700, 600);
    read('c', 700, 600);
    expect(monitor.verdict()).toMatchObject({ synchronized: true, peersBeyond: 0 });
    read('b', 900, 600);
    read('c', 900, 600);
    expect(monitor.verdict()).toMatchObject({ synchronized: false, peersBeyond: 2 });
  });

  test('a jump of its own wall clock is seen at once, without a new reading: a skew applied while cut off', () => {
    const { monitor, read, wall, real, changes } = monitorOf();
    read('b', 0);
    read('c', 0);
    expect(monitor.verdict().synchronized).toBe(true);
    real.advance(10);
    wall.offsetMs = HOUR_MS;
    expect(monitor.verdict()).toMatchObject({ synchronized: false, offsetMs: HOUR_MS });
    expect(monitor.peers().map((peer) => peer.offsetMs)).toEqual([-HOUR_MS, -HOUR_MS]);
    wall.offsetMs = 0;
    expect(monitor.verdict()).toMatchObject({ synchronized: true, offsetMs: 0 });
    expect(changes.map((change) => change.synchronized)).toEqual([false, true]);
  });

  test('samples expire, forgotten members stop counting, and with none left the node writes as usual', () => {
    const { monitor, read, real, wall } = monitorOf();
    wall.offsetMs = 5000;
    read('b', 0);
    read('c', 0);
    expect(monitor.verdict().synchronized).toBe(false);
    monitor.forget('b');
    expect(monitor.verdict()).toMatchObject({ synchronized: false, peersMeasured: 1 });
    real.advance(CLOCK_SAMPLE_AGE_MS_MAX + 1);
    expect(monitor.verdict()).toMatchObject({ synchronized: true, offsetMs: null, peersMeasured: 0 });
  });

  test('with two members each sees the other beyond the bound: both stop, neither can tell whose clock is wrong', () => {
    const { monitor, read } = monitorOf();
    read('b', 2000);
    expect(monitor.verdict()).toMatchObject({ synchronized: false, offsetMs: -1000 });
  });

  test('a bound of 0 turns the guard off: offsets are still measured', () => {
    const { monitor, read, wall } = monitorOf(0);
    wall.offsetMs = HOUR_MS;
    read('b', 0);
    read('c', 0);
    expect(monitor.verdict()).toMatchObject({ synchronized: true, offsetMs: HOUR_MS, maxOffsetMs: 0 });
    expect(writeRefusalOf(monitor.verdict())).toBeUndefined();
  });
});
