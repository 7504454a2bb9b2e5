// A member's part in the ring, as each member gossips it about itself in its membership metadata
// (field `ring`). Cassandra's bootstrap with pending ranges, in three states:
//
//   joining --(every range of its share streamed in)--> owner --(swarmkv leave)--> leaving --> (left)
//
// The *current* ring (owners and leaving members) is the one reads ask and quorums count; the
// *pending* ring (owners and joining members) is the one the ring is becoming. A write goes to the
// targets of both, so a joining member misses no write while it streams, but only current-ring
// targets count toward W: a joiner's acknowledgement must not make up a quorum before it holds the
// range's older records too.

/** A member's ownership state, gossiped as metadata field RING_OWNERSHIP_METADATA. */
export type RingOwnership = 'joining' | 'owner' | 'leaving';
export const RING_OWNERSHIPS: readonly RingOwnership[] = ['joining', 'owner', 'leaving'];

/** The membership metadata field that carries a member's RingOwnership. */
export const RING_OWNERSHIP_METADATA = 'ring';
/** The metadata field with the digest of the member's current ring: equal digests, equal routing. */
export const RING_DIGEST_METADATA = 'ringDigest';
/**
 * The metadata field with the digest of the member's pending ring. A joiner streams a range only once
 * every member that is up (alive or suspect) reports the pending ring it does: from then on all their
 * writes reach it too.
 */
export const PENDING_RING_DIGEST_METADATA = 'pendingRingDigest';

export function isRingOwnership(value: unknown): value is RingOwnership {
  return typeof value === 'string' && (RING_OWNERSHIPS as readonly string[]).includes(value);
}

/** The ownership a member reported in its metadata; undefined when it has not (yet) said. */
export function reportedOwnership(metadata: Readonly<Record<string, unknown>>): RingOwnership | undefined {
  const value = metadata[RING_OWNERSHIP_METADATA];
  return isRingOwnership(value) ? value : undefined;
}

/** Whether a member in this state is in the current ring: reads ask it and quorums count it. */
export function inCurrentRing(ownership: RingOwnership): boolean {
  return ownership === 'owner' || ownership === 'leaving';
}

/** Whether a member in this state is in the pending ring: the ring once joins and leaves complete. */
export function inPendingRing(ownership: RingOwnership): boolean {
  return ownership === 'owner' || ownership === 'joining';
}
