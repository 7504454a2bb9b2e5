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
//
// Two rings are built, by each member's gossiped ownership (ring/ring-ownership.ts): the current ring
// (owners and leaving members) that reads ask and quorums count, and the pending ring (owners and
// joining members). A key's targets are its current targets, then those of its pending replicas that
// are not among them, flagged `pending`: they take the write but count toward no quorum.
//
// Each joining member J also has a join ring: the current ring with J added, the ring of the moment J
// becomes an owner. J streams the ranges it holds in that ring (not only in the pending ring, which
// has the other joiners too), and takes the writes to them as a pending target: when several nodes
// join at once, whichever finishes first owns exactly what it has.
//
// Ownership changes travel by gossip, so for a moment coordinators route by different rings. A write
// is therefore acknowledged by a joint quorum (writeTargetsFor): W replicas of the current ring, and W
// of each other ring of interest: every joiner's join ring, the ring without leaving members, and, for
// a grace period after the current ring changed, the previous ring. A read asks R of whichever ring
// its coordinator routes by, and each of those rings saw W of every write, so R + W > N holds across
// the switch. The grace ends once no member that is up (alive or suspect: see
// #forgetSettledPreviousRings) reports the previous ring's digest any more, or after
// PREVIOUS_RING_GRACE_MS_MAX. With no change under way a write's targets are what they always
// were, at no extra cost.

import { SwarmError } from '../errors';
import { HashRing, inCurrentRing, inPendingRing, nextVersionedRing, reportedOwnership, RING_DIGEST_METADATA, RING_OWNERSHIP_METADATA, ringDigest, type RingOwnership, type RingRange, type VersionedRing } from '../ring';
import { NO_JOINT_SETS, stableWriteTargets, type ListingPlan, type Placement, type ReplicaTarget, type WriteTargets } from './placement';

/**
 * How long at most writes keep counting the previous ring after the current one changed, if some
 * member that is up still reports the previous ring's digest (its gossip lags, or it is stuck). About
 * thirty gossip rounds on the `lan` profile: the window itself is one round.
 */
export const PREVIOUS_RING_GRACE_MS_MAX = 30_000;
/** Previous rings kept at once (changes in quick succession); the oldest is forgotten first. */
export const PREVIOUS_RINGS_KEPT_MAX = 4;

/** A ring this node routed by until recently, and until when writes keep counting it. */
interface PreviousRing {
  readonly ring: HashRing;
  readonly untilMs: number;
}

/** The part of membership placement reads (MembershipService fits it). */
export interface PlacementMembership {
  /** Members the ring is built from: all that have not left, sorted. */
  ringMemberIds(): string[];
  /** Whether writes may go to the member now (alive). */
  isHealthy(nodeId: string): boolean;
  /** Whether the member is believed gone (dead, left or removed). */
  isDown(nodeId: string): boolean;
  /** Whether the member table has an entry for it, in any state. */
  knows(nodeId: string): boolean;
  /** What the member last reported about itself (its `ring` ownership among it); undefined if unknown. */
  metadataOf(nodeId: string): Readonly<Record<string, unknown>> | undefined;
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

export interface RingPlacementOptions {
  readonly selfId: string;
  readonly membership: PlacementMembership;
  readonly replicationFactor: number;
  readonly tokensPerNode: number;
  readonly remembered?: RememberedMembers;
  /** This node's own ownership (it is not read from the metadata it gossips); an owner by default. */
  readonly selfOwnership?: () => RingOwnership;
  /** A monotonic clock for the previous ring's grace period; performance.now by default. */
  readonly nowMs?: () => number;
}

export class RingPlacement implements Placement {
  readonly replicationFactor: number;
  readonly tokensPerNode: number;
  readonly #membership: PlacementMembership;
  readonly #selfId: string;
  readonly #remembered: Set<string>;
  /** The previous life's ring members: owners until they report otherwise (see #ownershipOf). */
  readonly #previousOwners: Set<string>;
  readonly #rememberedUntil: RememberedMembers | undefined;
  readonly #selfOwnership: () => RingOwnership;
  #current: VersionedRing;
  #pending: VersionedRing;
  /** Down members never heard from that the owners' reported ring holds, as of the last rebuild. */
  #unheardOwnerIds = new Set<string>();
  /** Each joining member's join ring (current ring + it), kept across rebuilds while unchanged. */
  #joinRings = new Map<string, VersionedRing>();
  /** The current ring without its leaving members, while any member is leaving. */
  #leaveRing: VersionedRing | undefined;
  #previousRings: PreviousRing[] = [];
  /** Every ring other than the current one whose replicas a write must reach W of; empty when stable. */
  #jointRings: HashRing[] = [];
  readonly #nowMs: () => number;

  constructor(options: RingPlacementOptions) {
    this.#selfId = options.selfId;
    this.#membership = options.membership;
    this.replicationFactor = options.replicationFactor;
    this.tokensPerNode = options.tokensPerNode;
    this.#selfOwnership = options.selfOwnership ?? (() => 'owner');
    this.#remembered = new Set((options.remembered?.nodeIds ?? []).filter((nodeId) => nodeId !== options.selfId));
    this.#previousOwners = new Set(this.#remembered);
    this.#rememberedUntil = options.remembered;
    this.#nowMs = options.nowMs ?? (() => performance.now());
    const { current, pending } = this.#build();
    this.#current = current;
    this.#pending = pending;
    this.#forgetSettledPreviousRings();
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
    const before = this.#current;
    const { current, pending } = this.#build();
    this.#current = current;
    this.#pending = pending;
    if (current !== before && before.ring.size > 0) this.#previousRings.push({ ring: before.ring, untilMs: this.#nowMs() + PREVIOUS_RING_GRACE_MS_MAX });
    this.#forgetSettledPreviousRings();
    return this.#current;
  }

  /** The rings a write must also meet a quorum in (see the header); empty while the ring is stable. */
  jointRings(): readonly HashRing[] {
    this.#expirePreviousRings();
    return this.#jointRings;
  }

  /** Forgets previous rings whose grace's cap has passed, without waiting for the next refresh. */
  #expirePreviousRings(): void {
    if (this.#previousRings.some((previous) => previous.untilMs <= this.#nowMs())) this.#forgetSettledPreviousRings();
  }

  /**
   * Drops previous rings nobody routes by any more: no member reports the digest (every one has moved
   * on), or the grace period passed; also one the ring has come back to, and beyond the cap.
   *
   * Every member that is up counts, suspect ones included, not only the alive ones. A suspect member
   * is most often alive and slow (a loaded machine, a pause of its event loop) and keeps coordinating
   * reads by the ring it reports. Forgetting the previous ring while it still routes by it would let a
   * write be acknowledged by W of the current ring alone, and that member's reads ask R of the previous
   * one: a stale read of an acknowledged write. A dead member does not count: what it last reported may
   * be stale by a gossip round, and holding the grace (joint quorums that may need it) for as long as
   * it stays dead would refuse writes for nothing when it really is gone. One that was only paused reads
   * by its old ring from the moment it resumes until gossip reaches it, as it would anyway.
   */
  #forgetSettledPreviousRings(): void {
    const nowMs = this.#nowMs();
    const reported = new Set<unknown>();
    if (this.#previousRings.length > 0) {
      for (const nodeId of this.#membership.ringMemberIds()) {
        if (nodeId !== this.#selfId && !this.#membership.isDown(nodeId)) reported.add(this.#membership.metadataOf(nodeId)?.[RING_DIGEST_METADATA]);
      }
    }
    const currentDigest = this.#current.ring.digest;
    this.#previousRings = this.#previousRings
      .filter((previous) => previous.untilMs > nowMs && previous.ring.digest !== currentDigest && reported.has(previous.ring.digest))
      .slice(-PREVIOUS_RINGS_KEPT_MAX);
    const rings = [...this.#joinRings.values()].map((joinRing) => joinRing.ring);
    if (this.#leaveRing !== undefined) rings.push(this.#leaveRing.ring);
    for (const previous of this.#previousRings) rings.push(previous.ring);
    // One quorum per distinct ring: a join ring is often the pending ring, a previous ring a join ring.
    const seen = new Set([currentDigest]);
    this.#jointRings = [];
    for (const ring of rings) {
      if (ring.size === 0 || seen.has(ring.digest)) continue;
      seen.add(ring.digest);
      this.#jointRings.push(ring);
    }
  }

  /** The current ring: owners and leaving members. Reads ask it, quorums count it. */
  current(): VersionedRing {
    return this.#current;
  }

  /** The pending ring: owners and joining members, the ring once every transfer is done. */
  pending(): VersionedRing {
    return this.#pending;
  }

  /** The ring of the moment `nodeId` (joining) becomes an owner: the current ring with it added. */
  joinRing(nodeId: string): HashRing | undefined {
    return this.#joinRings.get(nodeId)?.ring;
  }

  /**
   * A member's ownership: as it reported; a member of the previous life's ring is an owner until it
   * says, and so is a down member never heard from that the owners' reported ring holds (#unheardOwners).
   */
  ownershipOf(nodeId: string): RingOwnership {
    return this.#unheardOwnerIds.has(nodeId) ? 'owner' : this.#reportedOrRememberedOwnership(nodeId);
  }

  #reportedOrRememberedOwnership(nodeId: string): RingOwnership {
    if (nodeId === this.#selfId) return this.#selfOwnership();
    const metadata = this.#membership.metadataOf(nodeId);
    const reported = metadata === undefined ? undefined : reportedOwnership(metadata);
    return reported ?? (this.#previousOwners.has(nodeId) ? 'owner' : 'joining');
  }

  /**
   * Down members this node never heard from first-hand (it joined after they died: membership learned
   * them dead from a peer's table), so their ownership is unknown here and would count as joining. They
   * are owners if the current ring with them is the one the owners that are up report: what every
   * other node routes by. A member that died mid-join is no owner in any report, and stays joining.
   */
  #unheardOwners(ids: readonly string[], ownership: ReadonlyMap<string, RingOwnership>): string[] {
    const unheard = ids.filter((nodeId) => nodeId !== this.#selfId && this.#membership.isDown(nodeId) && this.#neverReported(nodeId, ownership));
    if (unheard.length === 0) return [];
    const withThem = ids.filter((nodeId) => inCurrentRing(ownership.get(nodeId)!) || unheard.includes(nodeId));
    const digest = ringDigest(withThem.map((nodeId) => ({ nodeId, tokens: this.tokensPerNode })));
    const reportedByAnOwner = ids.some((nodeId) => {
      if (nodeId === this.#selfId || this.#membership.isDown(nodeId)) return false;
      const metadata = this.#membership.metadataOf(nodeId);
      return metadata !== undefined && reportedOwnership(metadata) === 'owner' && metadata[RING_DIGEST_METADATA] === digest;
    });
    return reportedByAnOwner ? unheard : [];
  }

  /** A member counted as joining only for want of any report of its own (nor a previous life's ring). */
  #neverReported(nodeId: string, ownership: ReadonlyMap<string, RingOwnership>): boolean {
    return ownership.get(nodeId) === 'joining' && this.#membership.metadataOf(nodeId)?.[RING_OWNERSHIP_METADATA] === undefined;
  }

  #build(): { current: VersionedRing; pending: VersionedRing } {
    const ids = this.#membership.ringMemberIds();
    if (!ids.includes(this.#selfId)) ids.push(this.#selfId);
    const expired = this.#rememberedUntil !== undefined && this.#rememberedUntil.nowMs() > this.#rememberedUntil.untilMs;
    for (const nodeId of [...this.#remembered]) {
      if (expired || this.#membership.knows(nodeId)) this.#remembered.delete(nodeId);
      else if (!ids.includes(nodeId)) ids.push(nodeId);
    }
    if (expired) this.#previousOwners.clear();
    const ownership = new Map(ids.map((nodeId) => [nodeId, this.#reportedOrRememberedOwnership(nodeId)]));
    // Once inferred, an owner stays one until it reports otherwise or leaves the ring: the owners'
    // reports move on (this node's own join changes them) and must not flip it back for a moment.
    const stillUnheard = [...this.#unheardOwnerIds].filter((nodeId) => this.#neverReported(nodeId, ownership));
    for (const nodeId of stillUnheard) ownership.set(nodeId, 'owner');
    this.#unheardOwnerIds = new Set([...stillUnheard, ...this.#unheardOwners(ids, ownership)]);
    for (const nodeId of this.#unheardOwnerIds) ownership.set(nodeId, 'owner');
    const currentIds = ids.filter((nodeId) => inCurrentRing(ownership.get(nodeId)!));
    const pendingIds = ids.filter((nodeId) => inPendingRing(ownership.get(nodeId)!));
    const joinRings = new Map<string, VersionedRing>();
    for (const nodeId of ids.filter((id) => ownership.get(id) === 'joining').sort()) {
      joinRings.set(nodeId, nextVersionedRing(this.#joinRings.get(nodeId), [...currentIds, nodeId].map((id) => ({ nodeId: id })), this.tokensPerNode));
    }
    this.#joinRings = joinRings;
    const staying = currentIds.filter((nodeId) => ownership.get(nodeId) !== 'leaving');
    this.#leaveRing = staying.length === currentIds.length ? undefined : nextVersionedRing(this.#leaveRing, staying.map((nodeId) => ({ nodeId })), this.tokensPerNode);
    return {
      current: nextVersionedRing(this.#current, currentIds.map((nodeId) => ({ nodeId })), this.tokensPerNode),
      pending: nextVersionedRing(this.#pending, pendingIds.map((nodeId) => ({ nodeId })), this.tokensPerNode),
    };
  }

  ring(): HashRing {
    return this.current().ring;
  }

  /** N, as far as the current ring has members for it (0 while it has none: no owner is known yet). */
  effectiveReplicas(): number {
    return Math.min(this.replicationFactor, this.ring().size);
  }

  /** The current ring's ranges with their replicas; none while the ring is empty. */
  currentRanges(): RingRange[] {
    const n = this.effectiveReplicas();
    return n === 0 ? [] : this.ring().ranges(n);
  }

  /** The key's intended replicas in preference order, healthy or not. */
  intendedReplicas(key: string): string[] {
    const n = this.effectiveReplicas();
    return n === 0 ? [] : this.ring().preferenceList(key, n);
  }

  targetsFor(key: string): ReplicaTarget[] {
    const n = this.effectiveReplicas();
    if (n === 0) throw new SwarmError('unavailable', 'this node knows no owner of the ring yet; retry in a moment', { reason: 'joining' });
    const isHealthy = (nodeId: string) => nodeId === this.#selfId || this.#membership.isHealthy(nodeId);
    const targets = targetsOn(this.ring(), n, key, isHealthy);
    const pending = this.#pending.ring;
    if (pending.digest === this.ring().digest) return targets;
    const taken = new Set(targets.map((target) => target.nodeId));
    const add = (nodeId: string) => {
      if (taken.has(nodeId) || !isHealthy(nodeId)) return;
      taken.add(nodeId);
      targets.push({ nodeId, pending: true });
    };
    for (const nodeId of pending.preferenceList(key, Math.min(this.replicationFactor, pending.size))) add(nodeId);
    for (const [nodeId, { ring }] of this.#joinRings) if (ring.preferenceList(key, Math.min(this.replicationFactor, ring.size)).includes(nodeId)) add(nodeId);
    return targets;
  }

  /**
   * A write's targets (targetsFor, then the key's healthy replicas in every joint ring, flagged
   * `pending`) and its joint sets: the key's replicas in each joint ring. While the ring is stable this
   * is targetsFor and nothing more.
   */
  writeTargetsFor(key: string): WriteTargets {
    const targets = this.targetsFor(key);
    if (this.#jointRings.length === 0) return { targets, jointSets: NO_JOINT_SETS };
    this.#expirePreviousRings();
    if (this.#jointRings.length === 0) return { targets, jointSets: NO_JOINT_SETS };
    const taken = new Set(targets.map((target) => target.nodeId));
    const jointSets = this.#jointRings.map((ring) => {
      const replicas = ring.preferenceList(key, Math.min(this.replicationFactor, ring.size));
      for (const nodeId of replicas) {
        if (taken.has(nodeId) || !(nodeId === this.#selfId || this.#membership.isHealthy(nodeId))) continue;
        taken.add(nodeId);
        targets.push({ nodeId, pending: true });
      }
      return replicas;
    });
    return { targets, jointSets };
  }

  /**
   * Placement by the ring of the other members: where this node's keys and hints go when it leaves
   * (it announced `left`, so membership no longer counts it, but this placement's own ring keeps it).
   */
  withoutSelf(): Placement {
    const ids = this.#membership.ringMemberIds().filter((nodeId) => nodeId !== this.#selfId && inCurrentRing(this.ownershipOf(nodeId)));
    const ring = new HashRing(ids.map((nodeId) => ({ nodeId })), this.tokensPerNode);
    const n = Math.min(this.replicationFactor, ring.size);
    const targetsFor = (key: string) => (n === 0 ? [] : targetsOn(ring, n, key, (nodeId) => this.#membership.isHealthy(nodeId)));
    return {
      targetsFor,
      // The departing node's hand-over sends each record to every target (targetsFor) and waits for all of
      // them; nothing writes through this placement with a quorum, so it has no joint sets to offer.
      writeTargetsFor: (key) => stableWriteTargets(targetsFor(key)),
      listing: () => ({ nodes: ids.filter((nodeId) => this.#membership.isHealthy(nodeId)), rangeReplicas: n === 0 ? [] : ring.ranges(n).map((range) => range.replicas) }),
    };
  }

  /** Every member believed up: listing merges their scans (a down member's keys have other copies). */
  listing(): ListingPlan {
    const nodes = this.ring()
      .members.map((member) => member.nodeId)
      .filter((nodeId) => nodeId === this.#selfId || this.#membership.isHealthy(nodeId));
    return { nodes, rangeReplicas: this.currentRanges().map((range) => range.replicas) };
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
