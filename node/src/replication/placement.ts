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
   * Set on a member of the pending ring that is not a current replica of the key (it is joining):
   * it takes the write, so it misses nothing while it streams the range in, but it serves no read and
   * its acknowledgement never counts toward a quorum.
   */
  readonly pending?: boolean;
}

/** The targets that serve reads and count toward quorums: all but pending owners. */
export function currentTargets(targets: readonly ReplicaTarget[]): readonly ReplicaTarget[] {
  return targets.some((target) => target.pending === true) ? targets.filter((target) => target.pending !== true) : targets;
}

/** How each stand-in among `targets` is written to: as a hint for the replica it covers for. */
export function standInWrites(targets: readonly ReplicaTarget[]): ReadonlyMap<string, ReplicaWriteOptions> {
  return new Map(targets.flatMap((target) => (target.standInFor === undefined ? [] : [[target.nodeId, { hintFor: target.standInFor }] as const])));
}

export interface Placement {
  /**
   * The N nodes that should hold the key now, healthy stand-ins replacing unhealthy intended ones,
   * then any pending owners of it (flagged `pending`) that must take its writes as well.
   */
  targetsFor(key: string): ReplicaTarget[];
  /** Every node whose store must be consulted to list the whole key space. */
  listingNodes(): string[];
}

export interface ReplicaDirectory {
  /** How to reach a node's store; undefined when there is no way to right now. */
  replica(nodeId: string): Replica | undefined;
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

  listingNodes(): string[] {
    return [this.#nodeId];
  }
}
