// Where a key lives, as the coordinator needs to know it. The ring and membership layers implement it;
// the coordinator stays testable with a fixed placement.

import type { Replica, ReplicaWriteOptions } from './replica';

export interface ReplicaTarget {
  readonly nodeId: string;
  /**
   * Set when this node stands in for an intended replica that is down (sloppy quorum): the node id of
   * the replica it covers for, to which the write is owed once it returns.
   */
  readonly standInFor?: string;
  /**
   * Set on a node that is not a current replica of the key but a replica of it in another ring of
   * interest while the ring changes (a joiner's join ring, the ring without leaving members, the
   * previous ring): it takes the write, so it misses nothing, but it serves no read and its
   * acknowledgement counts only toward the joint sets it belongs to (WriteTargets), never toward the
   * current ring's quorum.
   */
  readonly pending?: boolean;
}

/**
 * Where a write goes and what acknowledges it. `targets` as for targetsFor; `jointSets` are the key's
 * replica sets (node ids) in the other rings of interest while the ring changes, each of which must
 * also acknowledge a quorum of its own (a joint quorum). Empty while the ring is stable.
 */
export interface WriteTargets {
  readonly targets: ReplicaTarget[];
  readonly jointSets: readonly (readonly string[])[];
}

/** No joint sets: the ring is stable, the current ring's quorum is all a write needs. */
export const NO_JOINT_SETS: readonly (readonly string[])[] = [];

/** A write's targets where the ring never changes (a standalone node, a fixed test placement): no joint sets. */
export function stableWriteTargets(targets: ReplicaTarget[]): WriteTargets {
  return { targets, jointSets: NO_JOINT_SETS };
}

/** The targets that serve reads and count toward quorums: all but pending owners. */
export function currentTargets(targets: readonly ReplicaTarget[]): readonly ReplicaTarget[] {
  return targets.some((target) => target.pending === true) ? targets.filter((target) => target.pending !== true) : targets;
}

/** No stand-ins: the common case, shared rather than built per request. */
const NO_STAND_INS: ReadonlyMap<string, ReplicaWriteOptions> = new Map();

/** How each stand-in among `targets` is written to: as a hint for the replica it covers for. */
export function standInWrites(targets: readonly ReplicaTarget[]): ReadonlyMap<string, ReplicaWriteOptions> {
  if (!targets.some((target) => target.standInFor !== undefined)) return NO_STAND_INS;
  return new Map(targets.flatMap((target) => (target.standInFor === undefined ? [] : [[target.nodeId, { hintFor: target.standInFor }] as const])));
}

export interface Placement {
  /**
   * The N nodes that should hold the key now, healthy stand-ins replacing unhealthy intended ones,
   * then any pending owners of it (flagged `pending`) that must take its writes as well.
   */
  targetsFor(key: string): ReplicaTarget[];
  /**
   * A write's targets and joint sets (see WriteTargets). Required of every placement, wrappers included:
   * a wrapper that left it out once made the daemon's writes skip joint quorums altogether (only
   * targetsFor was forwarded), and a placement whose ring never changes says so with stableWriteTargets.
   */
  writeTargetsFor(key: string): WriteTargets;
  /** What listing the whole key space reads (see ListingPlan). */
  listing(): ListingPlan;
}

/** The stores a listing reads, and how to tell whether the ones that answered cover every key. */
export interface ListingPlan {
  /** Every node whose store is consulted (those believed up). */
  readonly nodes: string[];
  /**
   * The replicas of each of the ring's ranges: a listing that heard from none of a range's replicas
   * would leave that range's keys out, and must say so rather than answer a partial page as whole.
   */
  readonly rangeReplicas: readonly (readonly string[])[];
}

/**
 * A placement that forwards every question to whichever placement `current` returns at the time: the
 * node's coordinator is built before the node joins its cluster, and routes through this once it has.
 */
export function placementThrough(current: () => Placement): Placement {
  return {
    targetsFor: (key) => current().targetsFor(key),
    writeTargetsFor: (key) => current().writeTargetsFor(key),
    listing: () => current().listing(),
  };
}

export interface ReplicaDirectory {
  /** How to reach a node's store; undefined when there is no way to right now. */
  replica(nodeId: string): Replica | undefined;
  /** Whether this node's store has lately answered clearly slower than the fastest of `among` (replica-latency.ts). */
  answersSlowly?(nodeId: string, among: readonly { readonly nodeId: string }[]): boolean;
  /** Whether membership holds the node dead or gone: its missed writes are then anti-entropy's, not hints' (missed-replicas.ts). */
  isDown?(nodeId: string): boolean;
}

/** A standalone node: every key lives here and only here. */
export class SingleNodePlacement implements Placement {
  readonly #nodeId: string;

  constructor(nodeId: string) {
    this.#nodeId = nodeId;
  }

  targetsFor(): ReplicaTarget[] {
    return [{ nodeId: this.#nodeId }];
  }

  writeTargetsFor(): WriteTargets {
    return stableWriteTargets(this.targetsFor());
  }

  listing(): ListingPlan {
    return { nodes: [this.#nodeId], rangeReplicas: [[this.#nodeId]] };
  }
}
