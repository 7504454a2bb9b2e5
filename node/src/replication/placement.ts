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
}

/** How each stand-in among `targets` is written to: as a hint for the replica it covers for. */
export function standInWrites(targets: readonly ReplicaTarget[]): ReadonlyMap<string, ReplicaWriteOptions> {
  return new Map(targets.flatMap((target) => (target.standInFor === undefined ? [] : [[target.nodeId, { hintFor: target.standInFor }] as const])));
}

export interface Placement {
  /** The N nodes that should hold the key now, healthy stand-ins replacing unhealthy intended ones. */
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
