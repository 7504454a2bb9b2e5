// How a key's replica set differs between two rings, exactly, over the whole 64-bit key space: the
// boundaries of both rings' ranges cut the ring into segments inside which neither preference list
// changes, so comparing the two lists once per segment (at its end, which is a token of one ring)
// covers every position. What-if predictions (api/what-if.ts) and the elasticity tests read it.

import { createHash } from 'node:crypto';
import type { HashRing, RingRange } from './hash-ring';
import { RING_POSITION_HEX_DIGITS } from './ring-position';

/**
 * Shares are computed from the top 52 bits of positions (13 hex digits), which a double holds exactly:
 * a what-if question sums thousands of segments per ring, and BigInt arithmetic was most of its cost.
 * The error is below 2^-52 of the ring per segment.
 */
const SHARE_HEX_DIGITS = 13;
const SHARE_SPACE = 2 ** (4 * SHARE_HEX_DIGITS);

/** One stretch of key positions whose replicas are `before` on the first ring and `after` on the second. */
export interface ChangedSegment {
  readonly start: string;
  readonly end: string;
  /** Fraction of the key space, 0..1. */
  readonly share: number;
  readonly before: readonly string[];
  readonly after: readonly string[];
}

export interface RingChange {
  /** Fraction of the key space whose replica set (as a set: order aside) differs. */
  readonly shareChanged: number;
  readonly segments: readonly ChangedSegment[];
}

/** Fraction of the ring in (start, end], wrapping; start === end is the whole ring. */
export function shareOf(start: string, end: string): number {
  if (start === end) return 1;
  const width = (parseInt(end.slice(0, SHARE_HEX_DIGITS), 16) - parseInt(start.slice(0, SHARE_HEX_DIGITS), 16) + SHARE_SPACE) % SHARE_SPACE;
  return width / SHARE_SPACE;
}

/**
 * The segments whose replica set differs between `before` (n replicas each) and `after` (its own n:
 * the replication factor is capped by each ring's size). Two empty rings differ nowhere.
 */
export function ringChange(before: HashRing, nBefore: number, after: HashRing, nAfter: number): RingChange {
  const [rangesBefore, rangesAfter] = [rangesOf(before, nBefore), rangesOf(after, nAfter)];
  const cuts = [...new Set([...rangesBefore.map((range) => range.end), ...rangesAfter.map((range) => range.end)])].sort();
  if (cuts.length === 0) return { shareChanged: 0, segments: [] };
  const [wasAt, willAt] = [replicasAtCuts(rangesBefore, cuts), replicasAtCuts(rangesAfter, cuts)];
  const segments: ChangedSegment[] = [];
  let shareChanged = 0;
  for (const [index, end] of cuts.entries()) {
    const [was, will] = [wasAt[index]!, willAt[index]!];
    if (sameSet(was, will)) continue;
    const start = cuts[(index + cuts.length - 1) % cuts.length]!;
    const share = shareOf(start, end);
    shareChanged += share;
    segments.push({ start, end, share, before: was, after: will });
  }
  return { shareChanged, segments };
}

function rangesOf(ring: HashRing, n: number): RingRange[] {
  return ring.size === 0 ? [] : ring.ranges(n);
}

/**
 * The replicas of the range holding each cut, `cuts` ascending: ranges' ends ascend too, so one walk
 * of both lists does it (a cut past the last end wraps into the first range).
 */
function replicasAtCuts(ranges: readonly RingRange[], cuts: readonly string[]): (readonly string[])[] {
  if (ranges.length === 0) return cuts.map(() => []);
  let at = 0;
  return cuts.map((cut) => {
    while (at < ranges.length && ranges[at]!.end < cut) at++;
    return (ranges[at] ?? ranges[0]!).replicas;
  });
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((nodeId) => b.includes(nodeId));
}

/**
 * Stand-in ids for nodes that do not exist yet: 16 hex digits like a real node id, derived from `seed`
 * and the index, so the same question gets the same answer. A real node's id hashes elsewhere, so a
 * prediction made with these is one draw of the share, whose spread over ids callers should state.
 */
export function placeholderNodeIds(count: number, seed: string, taken: ReadonlySet<string>): string[] {
  const ids: string[] = [];
  for (let attempt = 0; ids.length < count; attempt++) {
    const id = createHash('sha256').update(`swarmkv what-if ${seed} ${attempt}`).digest('hex').slice(0, RING_POSITION_HEX_DIGITS);
    if (!taken.has(id)) ids.push(id);
  }
  return ids;
}
