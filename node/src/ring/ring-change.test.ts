import { describe, expect, test } from 'bun:test';
import { createHash } from 'node:crypto';
import { HashRing, keyPosition, placeholderNodeIds, ringChange, shareOf } from './index';

const N = 3;
/** 24 rings of 2,048 tokens are built below: seconds on a loaded 2-core machine. */
const SPREAD_TEST_MS = 60_000;
const KEY_POSITIONS = Array.from({ length: 20_000 }, (_, index) => keyPosition(`key-${index}`));

function nodeIds(count: number, salt: string): string[] {
  return Array.from({ length: count }, (_, index) => createHash('sha256').update(`${salt}-${index}`).digest('hex').slice(0, 16));
}

function ringOf(ids: readonly string[]): HashRing {
  return new HashRing(ids.map((nodeId) => ({ nodeId })));
}

/** The share of sample keys whose replica set differs: what a test against real keys measures. */
function sampledShare(before: HashRing, after: HashRing): number {
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((id) => b.includes(id));
  const changed = KEY_POSITIONS.filter((position) => !same(before.preferenceListAt(position, Math.min(N, before.size)), after.preferenceListAt(position, Math.min(N, after.size))));
  return changed.length / KEY_POSITIONS.length;
}

describe('ringChange', () => {
  const three = nodeIds(3, 'member');
  const before = ringOf(three);

  test('the same ring changes nowhere', () => {
    expect(ringChange(before, N, ringOf([...three].reverse()), N)).toEqual({ shareChanged: 0, segments: [] });
  });

  test('its share of the key space matches the share of 20,000 sample keys that change replicas', () => {
    for (const after of [ringOf([...three, ...nodeIds(1, 'new')]), ringOf([...three, ...nodeIds(2, 'new')]), ringOf(three.slice(1))]) {
      const { shareChanged, segments } = ringChange(before, N, after, Math.min(N, after.size));
      // 20,000 Bernoulli draws at p ~ 0.75: standard error 0.003; 0.015 is five of them.
      expect(Math.abs(shareChanged - sampledShare(before, after))).toBeLessThan(0.015);
      expect(segments.reduce((sum, segment) => sum + segment.share, 0)).toBeCloseTo(shareChanged, 9);
    }
  });

  test('removing a member of five changes exactly the ranges it replicated', () => {
    const five = nodeIds(5, 'five');
    const ring = ringOf(five);
    const gone = five[2]!;
    const itsShare = ring.ranges(N).filter((range) => range.replicas.includes(gone)).reduce((sum, range) => sum + shareOf(range.start, range.end), 0);
    const { shareChanged, segments } = ringChange(ring, N, ringOf(five.filter((id) => id !== gone)), N);
    expect(shareChanged).toBeCloseTo(itsShare, 9);
    expect(segments.every((segment) => segment.before.includes(gone) && !segment.after.includes(gone))).toBe(true);
  });

  test('an empty ring to one member changes everything', () => {
    expect(ringChange(ringOf([]), 1, ringOf(three.slice(0, 1)), 1).shareChanged).toBeCloseTo(1, 9);
  });
});

describe('placeholderNodeIds', () => {
  test('are node-id shaped, repeatable, and avoid ids already taken', () => {
    const first = placeholderNodeIds(3, 'seed', new Set());
    expect(first.every((id) => /^[0-9a-f]{16}$/.test(id))).toBe(true);
    expect(placeholderNodeIds(3, 'seed', new Set())).toEqual(first);
    expect(placeholderNodeIds(2, 'seed', new Set([first[0]!]))).toEqual([first[1]!, first[2]!]);
  });

  // The figure docs/elasticity.md (What-if) quotes: how far one draw of a new node's id strays from the
  // expected share, measured over random ids (200 at 64 tokens, 24 at 512), N = 3.
  test('one placeholder id predicts the share of a random real id within a few points', () => {
    for (const [size, expected, tokens, draws] of [[3, 0.75, 64, 200], [5, 0.5, 64, 200], [3, 0.75, 512, 24]] as const) {
      const members = nodeIds(size, `spread-${size}`);
      const ringWith = (ids: readonly string[]) => new HashRing(ids.map((nodeId) => ({ nodeId })), tokens);
      const ring = ringWith(members);
      const shares = nodeIds(draws, `joiner-${size}`).map((id) => ringChange(ring, N, ringWith([...members, id]), N).shareChanged);
      const mean = shares.reduce((sum, share) => sum + share, 0) / shares.length;
      const deviation = Math.sqrt(shares.reduce((sum, share) => sum + (share - mean) ** 2, 0) / (shares.length - 1));
      console.log(`what-if spread: ${size} -> ${size + 1} nodes, N=${N}, ${tokens} tokens, ${draws} ids: mean share ${mean.toFixed(4)}, std dev ${deviation.toFixed(4)}, range ${Math.min(...shares).toFixed(4)}..${Math.max(...shares).toFixed(4)}`);
      expect(Math.abs(mean - expected)).toBeLessThan(0.05);
      expect(deviation).toBeLessThan(0.05);
    }
  }, SPREAD_TEST_MS);
});
