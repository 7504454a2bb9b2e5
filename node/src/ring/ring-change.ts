// How a key's replica set differs between two rings, exactly, over the whole 64-bit key space: the
// boundaries of both rings' ranges cut the ring into segments inside which neither preference list
// changes, so comparing the two lists once per segment (at its end, which is a token of one ring)
// covers every position. What-if predictions (api/what-if.ts) and the elasticity tests read it.

import { createHash } from 'node:crypto';
import type { HashRing } from './hash-ring';
import { RING_POSITION_HEX_DIGITS } from './ring-position';

const RING_SPACE = 2n ** 64n;
/** Shares are computed in millionths of millionths, then returned as a fraction of the ring. */
const SHARE_SCALE = 10n ** 12n;

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
  const width = (BigInt(`0x${end}`) - BigInt(`0x${start}`) + RING_SPACE) % RING_SPACE || RING_SPACE;
  return Number((width * SHARE_SCALE) / RING_SPACE) / Number(SHARE_SCALE);
}

/**
 * The segments whose replica set differs between `before` (n replicas each) and `after` (its own n:
 * the replication factor is capped by each ring's size). Two empty rings differ nowhere.
 */
export function ringChange(before: HashRing, nBefore: number, after: HashRing, nAfter: number): RingChange {
  const cuts = [...new Set([...boundaries(before, nBefore), ...boundaries(after, nAfter)])].sort();
  if (cuts.length === 0) return { shareChanged: 0, segments: [] };
  const segments: ChangedSegment[] = [];
  let shareChanged = 0;
  for (const [index, end] of cuts.entries()) {
    const start = cuts[(index + cuts.length - 1) % cuts.length]!;
    const was = before.size === 0 ? [] : before.preferenceListAt(end, nBefore);
    const will = after.size === 0 ? [] : after.preferenceListAt(end, nAfter);
    if (sameSet(was, will)) continue;
    const share = shareOf(start, end);
    shareChanged += share;
    segments.push({ start, end, share, before: was, after: will });
  }
  return { shareChanged, segments };
}

function boundaries(ring: HashRing, n: number): string[] {
  return ring.size === 0 ? [] : ring.ranges(n).map((range) => range.end);
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
