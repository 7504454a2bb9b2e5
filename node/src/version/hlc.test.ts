import { describe, expect, test } from 'bun:test';
import { ManualClock } from '../clock';
import { SwarmError } from '../errors';
import { HLC_FORWARD_DRIFT_MS_MAX, HLC_LOGICAL_MAX } from '../limits';
import { HybridLogicalClock } from './hlc';
import { compareVersions, formatVersion, parseVersion } from './version';

const NODE_A = 'aaaaaaaaaaaaaaaa';
const NODE_B = 'bbbbbbbbbbbbbbbb';

describe('HybridLogicalClock', () => {
  test('follows the wall clock when it moves forward', () => {
    const clock = new ManualClock(1000);
    const hlc = new HybridLogicalClock(NODE_A, clock);
    expect(hlc.now()).toEqual({ wallMs: 1000, logical: 0, nodeId: NODE_A });
    clock.advance(5);
    expect(hlc.now()).toEqual({ wallMs: 1005, logical: 0, nodeId: NODE_A });
  });

  test('counts logically while the wall clock stands still or steps back', () => {
    const clock = new ManualClock(1000);
    const hlc = new HybridLogicalClock(NODE_A, clock);
    hlc.now();
    expect(hlc.now()).toEqual({ wallMs: 1000, logical: 1, nodeId: NODE_A });
    clock.set(900);
    expect(hlc.now()).toEqual({ wallMs: 1000, logical: 2, nodeId: NODE_A });
  });

  test('advances the wall component instead of overflowing the logical counter', () => {
    const clock = new ManualClock(1000);
    const hlc = new HybridLogicalClock(NODE_A, clock);
    hlc.observe({ wallMs: 1000, logical: HLC_LOGICAL_MAX, nodeId: NODE_B });
    expect(hlc.now()).toEqual({ wallMs: 1001, logical: 0, nodeId: NODE_A });
  });

  test('a node with a lagging clock orders its writes after versions it has observed', () => {
    const hlc = new HybridLogicalClock(NODE_A, new ManualClock(1000));
    const seen = formatVersion({ wallMs: 50_000, logical: 7, nodeId: NODE_B });
    hlc.receive(seen);
    const mine = hlc.nowVersion();
    expect(compareVersions(mine, seen)).toBeGreaterThan(0);
  });

  test('refuses remote versions implausibly far ahead, and malformed ones', () => {
    const clock = new ManualClock(1000);
    const hlc = new HybridLogicalClock(NODE_A, clock);
    const far = formatVersion({ wallMs: 1000 + HLC_FORWARD_DRIFT_MS_MAX + 1, logical: 0, nodeId: NODE_B });
    expect(() => hlc.receive(far)).toThrow(SwarmError);
    expect(hlc.now().wallMs).toBe(1000);
    expect(() => hlc.receive('not-a-version')).toThrow(SwarmError);
  });

  test('with a tighter forward drift (the clock-offset bound), a version beyond it is refused, one within adopted', () => {
    const clock = new ManualClock(10_000);
    const hlc = new HybridLogicalClock(NODE_A, clock, 500);
    expect(() => hlc.receive(formatVersion({ wallMs: 10_501, logical: 0, nodeId: NODE_B }))).toThrow('max 500 ms');
    expect(hlc.now().wallMs).toBe(10_000);
    hlc.receive(formatVersion({ wallMs: 10_400, logical: 3, nodeId: NODE_B }));
    expect(hlc.now()).toEqual({ wallMs: 10_400, logical: 4, nodeId: NODE_A });
  });

  test('every timestamp is strictly greater than the previous one over many calls', () => {
    const clock = new ManualClock(1000);
    const hlc = new HybridLogicalClock(NODE_A, clock);
    let previous = hlc.nowVersion();
    for (let index = 0; index < 100_000; index++) {
      if (index % 997 === 0) clock.advance(index % 2 === 0 ? 3 : -5);
      const next = hlc.nowVersion();
      expect(next > previous).toBe(true);
      previous = next;
    }
  });
});

describe('version encoding', () => {
  test('round-trips and orders as (wall, logical, node) would', () => {
    const versions = [
      { wallMs: 2, logical: 0, nodeId: NODE_A },
      { wallMs: 1, logical: 65535, nodeId: NODE_B },
      { wallMs: 1, logical: 2, nodeId: NODE_A },
      { wallMs: 1, logical: 2, nodeId: NODE_B },
      { wallMs: 0x10000000000, logical: 0, nodeId: NODE_A },
    ];
    for (const version of versions) expect(parseVersion(formatVersion(version))).toEqual(version);
    const byTuple = [...versions].sort((x, y) => x.wallMs - y.wallMs || x.logical - y.logical || (x.nodeId < y.nodeId ? -1 : 1));
    const byString = [...versions].sort((x, y) => compareVersions(formatVersion(x), formatVersion(y)));
    expect(byString).toEqual(byTuple);
  });

  test.each(['', '1.0.a', '000000000001.0000.AAAAAAAAAAAAAAAA', '000000000001.0000.aaaaaaaaaaaaaaa', '000000000001.00000.aaaaaaaaaaaaaaaa', '000000000001.0000.aaaaaaaaaaaaaaaa '])(
    'rejects malformed %p',
    (text) => expect(parseVersion(text)).toBeUndefined(),
  );
});
