// The ring a node currently routes by, with a local epoch that advances whenever the member set does.
// The digest says whether two nodes route alike (it is the same on every node for the same members);
// the epoch orders this node's own successive rings, so work started under an older ring (a handoff, a
// repair pass) can notice that the ring moved underneath it and drop its result.

import { HashRing, type RingMember } from './hash-ring';
import { ringDigest } from './ring-digest';
import { TOKENS_PER_NODE_DEFAULT } from '../limits';

export interface VersionedRing {
  /** Starts at 1 and grows by one each time the digest changes; local to this node, not gossiped. */
  readonly epoch: number;
  readonly ring: HashRing;
}

/**
 * The ring for `members`: `previous` itself (the same object) when its digest already matches, so
 * callers can test for a change by identity; otherwise a new ring one epoch later.
 */
export function nextVersionedRing(
  previous: VersionedRing | undefined,
  members: readonly RingMember[],
  tokensPerNode: number = TOKENS_PER_NODE_DEFAULT,
): VersionedRing {
  const digest = ringDigest(members.map((member) => ({ nodeId: member.nodeId, tokens: member.tokens ?? tokensPerNode })));
  if (previous && previous.ring.digest === digest && previous.ring.tokensPerNode === tokensPerNode) return previous;
  return { epoch: (previous?.epoch ?? 0) + 1, ring: new HashRing(members, tokensPerNode) };
}
