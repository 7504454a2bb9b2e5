// Placement on the consistent-hash ring, from the membership view: a key's targets are its N intended
// replicas that are alive, plus stand-ins for those that are not (Dynamo's sloppy quorum, §4.6).
//
// The ring is built from every member that has not left, dead ones included: a crash is treated as
// transient, so the dead node's ranges are covered by stand-ins instead of being reassigned, and the
// replication factor the quorum is computed from does not shrink when nodes fail. (The issue's
// "effective min(N, live members)" reads here as members that have not left: a minority side of a
// partition must not shrink N until its own majority of one agrees.) When no healthy stand-in is
// left, the unreachable intended replica stays in the targets and fails there, so a quorum that cannot
// be reached is a 503, never a smaller quorum.

import { HashRing, nextVersionedRing, type VersionedRing } from '../ring';
import type { Placement, ReplicaTarget } from './placement';

/** The part of membership placement reads (MembershipService fits it). */
export interface PlacementMembership {
  /** Members the ring is built from: all that have not left, sorted. */
  ringMemberIds(): string[];
  /** Whether writes may go to the member now (alive). */
  isHealthy(nodeId: string): boolean;
  /** Whether the member table has an entry for it, in any state. */
  knows(nodeId: string): boolean;
}

/**
 * Members of the ring this node routed by in its previous life (persisted), and until when to keep
 * them. A restarted node knows no peer until they connect; without these its ring would be itself
 * alone, N would shrink to 1, and it would acknowledge quorum writes on its own copy only (found by
 * the fault-injection checker: acknowledged writes lost). Kept in the ring, unhealthy, until the
 * member table has news of them (alive, dead or left) or the retention passes.
 */
export interface RememberedMembers {
  readonly nodeIds: readonly string[];
  readonly untilMs: number;
  readonly nowMs: () => number;
}

export class RingPlacement implements Placement {
  readonly replicationFactor: number;
  readonly tokensPerNode: number;
  readonly #membership: PlacementMembership;
  readonly #selfId: string;
  readonly #remembered: Set<string>;
  readonly #rememberedUntil: RememberedMembers | undefined;
  #current: VersionedRing;

  constructor(options: { selfId: string; membership: PlacementMembership; replicationFactor: number; tokensPerNode: number; remembered?: RememberedMembers }) {
    this.#selfId = options.selfId;
    this.#membership = options.membership;
    this.replicationFactor = options.replicationFactor;
    this.tokensPerNode = options.tokensPerNode;
    this.#remembered = new Set((options.remembered?.nodeIds ?? []).filter((nodeId) => nodeId !== options.selfId));
    this.#rememberedUntil = options.remembered;
    this.#current = this.#build();
  }

  /** A member of the previous life not heard of yet: expected back, so worth waiting for. */
  isRemembered(nodeId: string): boolean {
    return this.#remembered.has(nodeId);
  }

  /**
   * Rebuilds the ring if the member set changed (compared by digest). The composition root calls it on
   * every membership event, so requests read a cached ring instead of hashing the member set each time.
   */
  refresh(): VersionedRing {
    this.#current = this.#build();
    return this.#current;
  }

  current(): VersionedRing {
    return this.#current;
  }

  #build(): VersionedRing {
    const ids = this.#membership.ringMemberIds();
    if (!ids.includes(this.#selfId)) ids.push(this.#selfId);
    const expired = this.#rememberedUntil !== undefined && this.#rememberedUntil.nowMs() > this.#rememberedUntil.untilMs;
    for (const nodeId of [...this.#remembered]) {
      if (expired || this.#membership.knows(nodeId)) this.#remembered.delete(nodeId);
      else if (!ids.includes(nodeId)) ids.push(nodeId);
    }
    return nextVersionedRing(this.#current, ids.map((nodeId) => ({ nodeId })), this.tokensPerNode);
  }

  ring(): HashRing {
    return this.current().ring;
  }

  /** N, as far as the ring has members for it. */
  effectiveReplicas(): number {
    return Math.min(this.replicationFactor, this.ring().size);
  }

  /** The key's intended replicas in preference order, healthy or not. */
  intendedReplicas(key: string): string[] {
    return this.ring().preferenceList(key, this.effectiveReplicas());
  }

  targetsFor(key: string): ReplicaTarget[] {
    return targetsOn(this.ring(), this.effectiveReplicas(), key, (nodeId) => nodeId === this.#selfId || this.#membership.isHealthy(nodeId));
  }

  /**
   * Placement by the ring of the other members: where this node's keys and hints go when it leaves
   * (it announced `left`, so membership no longer counts it, but this placement's own ring keeps it).
   */
  withoutSelf(): Placement {
    const ids = this.#membership.ringMemberIds().filter((nodeId) => nodeId !== this.#selfId);
    const ring = new HashRing(ids.map((nodeId) => ({ nodeId })), this.tokensPerNode);
    const n = Math.min(this.replicationFactor, ring.size);
    return {
      targetsFor: (key) => (n === 0 ? [] : targetsOn(ring, n, key, (nodeId) => this.#membership.isHealthy(nodeId))),
      listingNodes: () => ids.filter((nodeId) => this.#membership.isHealthy(nodeId)),
    };
  }

  /** Every member believed up: listing merges their scans (a down member's keys have other copies). */
  listingNodes(): string[] {
    return this.ring()
      .members.map((member) => member.nodeId)
      .filter((nodeId) => nodeId === this.#selfId || this.#membership.isHealthy(nodeId));
  }
}

/** A key's N targets: healthy intended replicas and stand-ins, then unhealthy intended ones if no stand-in is left. */
function targetsOn(ring: HashRing, n: number, key: string, isHealthy: (nodeId: string) => boolean): ReplicaTarget[] {
  const targets = ring.targetsFor(key, n, isHealthy);
  if (targets.length >= n) return targets;
  const covered = new Set(targets.map((target) => target.standInFor ?? target.nodeId));
  const uncovered = ring.preferenceList(key, n).filter((nodeId) => !covered.has(nodeId));
  return [...targets, ...uncovered.slice(0, n - targets.length).map((nodeId) => ({ nodeId }))];
}
