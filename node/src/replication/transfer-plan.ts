// Which ranges a joining node must stream in, and from whom: the intervals of ring positions where it is
// a replica in the pending ring but not in the current one, each with the current ring's replicas of
// it as sources (in preference order). The two rings' range boundaries are merged, so every interval
// has one replica list in each ring; adjacent intervals with the same sources are joined into one
// transfer. A pure function of the two rings: every restart plans the same transfers for the same
// rings, so persisted progress (keyed by the interval) is found again.

import type { HashRing } from '../ring';
import type { PositionInterval } from './position-interval';

export interface PlannedTransfer {
  /** `start-end` of the interval: stable for the same rings, the key progress is persisted under. */
  readonly id: string;
  readonly interval: PositionInterval;
  /** The interval's current replicas, in preference order: any of them can send it. */
  readonly sources: readonly string[];
}

export function transferId(interval: PositionInterval): string {
  return `${interval.start}-${interval.end}`;
}

/** Every range boundary of either ring, ascending, without repeats. */
function boundaries(current: HashRing, pending: HashRing): string[] {
  const ends = new Set<string>();
  for (const ring of [current, pending]) for (const range of ring.ranges(1)) ends.add(range.end);
  return [...ends].sort();
}

export function planJoinTransfers(current: HashRing, pending: HashRing, replicationFactor: number, selfId: string): PlannedTransfer[] {
  if (current.size === 0 || !pending.has(selfId)) return [];
  const nCurrent = Math.min(replicationFactor, current.size);
  const nPending = Math.min(replicationFactor, pending.size);
  const ends = boundaries(current, pending);
  const planned: { interval: PositionInterval; sources: string[] }[] = [];
  ends.forEach((end, index) => {
    const start = ends[(index + ends.length - 1) % ends.length]!;
    if (!pending.preferenceListAt(end, nPending).includes(selfId)) return;
    const sources = current.preferenceListAt(end, nCurrent);
    if (sources.includes(selfId)) return;
    const previous = planned.at(-1);
    if (previous !== undefined && previous.interval.end === start && sameList(previous.sources, sources)) previous.interval = { start: previous.interval.start, end };
    else planned.push({ interval: { start, end }, sources });
  });
  // The last interval may continue into the first across the top of the ring.
  const first = planned[0];
  const last = planned.at(-1);
  if (planned.length > 1 && first !== undefined && last !== undefined && last.interval.end === first.interval.start && sameList(first.sources, last.sources)) {
    first.interval = { start: last.interval.start, end: first.interval.end };
    planned.pop();
  }
  return planned.map(({ interval, sources }) => ({ id: transferId(interval), interval, sources }));
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
