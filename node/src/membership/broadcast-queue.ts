// Updates waiting to be piggybacked, after memberlist's TransmitLimitedQueue. Each update rides on at
// most `retransmitLimit` outgoing pings, acks and ping-reqs, so news spreads epidemically (every
// receiver that learns something queues it in turn) without being broadcast to all. A newer update about
// a member replaces the queued one, so the queue never holds more than one entry per member.

import type { MemberUpdate } from './member';

export interface BroadcastEntry {
  readonly update: MemberUpdate;
  readonly transmits: number;
}

/** Keyed by the node the update is about; Map order is queueing order. */
export type BroadcastQueue = ReadonlyMap<string, BroadcastEntry>;

/** memberlist's retransmit limit: lambda * ceil(log10(n + 1)), at least one transmit. */
export function retransmitLimit(multiplier: number, memberCount: number): number {
  return Math.max(1, multiplier * Math.ceil(Math.log10(memberCount + 1)));
}

export function enqueueBroadcast(queue: Map<string, BroadcastEntry>, update: MemberUpdate): void {
  // Deleting first moves the entry to the end: Map order then says which update is newest.
  queue.delete(update.nodeId);
  queue.set(update.nodeId, { update, transmits: 0 });
}

/**
 * Up to `countMax` updates for one outgoing message: the least transmitted first, the newest first among
 * equals. Each taken update counts one transmit and leaves the queue once it reaches `limit`.
 */
export function takeBroadcasts(queue: Map<string, BroadcastEntry>, countMax: number, limit: number): MemberUpdate[] {
  if (countMax < 1 || queue.size === 0) return [];
  const ordered = [...queue.values()].map((entry, index) => ({ entry, index }));
  ordered.sort((a, b) => a.entry.transmits - b.entry.transmits || b.index - a.index);
  const taken = ordered.slice(0, countMax).map(({ entry }) => entry);
  for (const entry of taken) {
    const transmits = entry.transmits + 1;
    if (transmits >= limit) queue.delete(entry.update.nodeId);
    else queue.set(entry.update.nodeId, { update: entry.update, transmits });
  }
  return taken.map((entry) => entry.update);
}
