// Which ranges a joining node must stream in, and from whom: the intervals of ring positions where it is
// a replica in the pending ring but not in the current one, each with the current ring's replicas of
// it as sources. The two rings' range boundaries are merged, so every interval has one replica list in
// each ring; adjacent intervals with the same sources are joined into one transfer. A pure function of
// the two rings: every restart plans the same transfers for the same rings, so persisted progress
// (keyed by the interval) is found again.
//
// The first source is the replica the joiner displaces (a current replica of the interval that is not
// one in the pending ring), as Cassandra's consistent range movement streams from the node giving the
// range up: a write acknowledged by W of the old replicas, the displaced one among them or not, is then
// held by W of the new ones (the joiner takes the displaced one's copy; the rest stay). Any other
// source may lack a write the displaced one acknowledged, so without it the joiner must merge every
// other current replica's copy (rebalance-engine.ts).

import type { HashRing } from '../ring';
import type { PositionInterval } from './position-interval';

export interface PlannedTransfer {
  /** `start-end` of the interval: stable for the same rings, the key progress is persisted under. */
  readonly id: string;
  readonly interval: PositionInterval;
  /** The interval's current replicas: the displaced one first, then the others in preference order. */
  readonly sources: readonly string[];
  /** The current replica that the pending ring no longer has for this interval; none if the ring had fewer than N members. */
  readonly displaced?: string;
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
    const replicas = current.preferenceListAt(end, nCurrent);
    if (replicas.includes(selfId)) return;
    const staying = pending.preferenceListAt(end, nPending);
    const sources = [...replicas.filter((nodeId) => !staying.includes(nodeId)), ...replicas.filter((nodeId) => staying.includes(nodeId))];
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
  return planned.map(({ interval, sources }) => {
    const displaced = sources.find((nodeId) => !pending.preferenceListAt(interval.end, nPending).includes(nodeId));
    return { id: transferId(interval), interval, sources, ...(displaced === undefined ? {} : { displaced }) };
  });
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
