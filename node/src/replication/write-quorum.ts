// Whose acknowledgements make up a quorum, for reads and for writes. A write while the ring changes
// needs a joint quorum: W of the current ring's replicas, and W of the key's replicas in each other
// ring of interest (placement's joint sets; see ring-placement.ts for which rings and why).

import type { Consistency } from '../config';
import { currentTargets, type ReplicaTarget } from './placement';
import { requiredAcks, type QuorumGroup } from './quorum';

const EVERY_TARGET_COUNTS = () => true;

/**
 * Whose answers make up a quorum. At `quorum` and `all`, only the key's home replicas count: a stand-in
 * still takes the write (as a hint, delivered later) and its reads are merged, but it cannot stand in
 * for a majority. Otherwise the minority side of a partition, cut off from a key's home replicas,
 * would acknowledge quorum writes through stand-ins of its own, and a write acknowledged there could
 * lose to a concurrent one on the majority side by last-writer-wins. At `one`, any target counts
 * (Dynamo's "always writeable"). Cassandra draws the same line: hints never count toward QUORUM.
 * A pending target (not a current replica) counts toward the current ring's quorum at no level: it
 * may not hold the key's older versions yet.
 */
export function countsToward(consistency: Consistency, targets: readonly ReplicaTarget[]): (nodeId: string) => boolean {
  const counted = (target: ReplicaTarget) => target.pending !== true && (consistency === 'one' || target.standInFor === undefined);
  if (targets.every(counted)) return EVERY_TARGET_COUNTS;
  const home = new Set(targets.filter(counted).map((target) => target.nodeId));
  return (nodeId) => home.has(nodeId);
}

/**
 * What a write must gather: the current ring's quorum, then, at `quorum` and `all`, the same level's
 * quorum of each joint set, counted among its members that are targets. A member that is a target only
 * as a stand-in in the current ring counts too: the coordinator writes it its own copy as well as the
 * hint (standInsWithOwnCopy), so it holds the record the way that ring's reads will look for it. At
 * `one` the joint sets add nothing: one acknowledgement promises no overlap with any read, in any ring.
 */
export function writeQuorumGroups(consistency: Consistency, targets: readonly ReplicaTarget[], jointSets: readonly (readonly string[])[]): QuorumGroup[] {
  const groups: QuorumGroup[] = [{ counts: countsToward(consistency, targets), needed: requiredAcks(consistency, currentTargets(targets).length) }];
  if (consistency === 'one' || jointSets.length === 0) return groups;
  for (const replicas of jointSets) {
    const members = new Set(replicas);
    groups.push({ counts: (nodeId) => members.has(nodeId), needed: requiredAcks(consistency, replicas.length) });
  }
  return groups;
}

/** No stand-in needs its own copy: the common case (a stable ring), shared rather than built per write. */
const NO_OWN_COPIES: ReadonlySet<string> = new Set();

/**
 * The stand-ins among a write's targets that are also replicas of the key in a joint set. Such a node
 * is written twice: as a hint for the replica it covers for in the current ring, and as itself, because
 * in the joint ring it is one of the key's replicas, whose reads ask its main store and never its
 * hints. Written only as a hint, it could not count toward that ring's quorum, and a write while the
 * ring changes (a leave, or the grace after any change; a join ring only adds the joiner, so never a
 * stand-in) with one replica down would be refused for want of an acknowledgement a healthy node could
 * give.
 */
export function standInsWithOwnCopy(targets: readonly ReplicaTarget[], jointSets: readonly (readonly string[])[]): ReadonlySet<string> {
  if (jointSets.length === 0 || !targets.some((target) => target.standInFor !== undefined)) return NO_OWN_COPIES;
  const inJointSets = new Set(jointSets.flat());
  return new Set(targets.filter((target) => target.standInFor !== undefined && inJointSets.has(target.nodeId)).map((target) => target.nodeId));
}
