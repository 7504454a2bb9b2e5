// A joining node's way into the ring (Cassandra's bootstrap with pending ranges):
//
// 1. It waits until it knows the current ring as its owners do (an owner gossips the same current-ring
//    digest): from then on it may coordinate requests; until then they answer 503 `joining`.
// 2. It waits until every member that is up (alive or suspect) reports the pending ring it computes
//    (with itself in it): from then on every coordinator's writes to its future ranges reach it too,
//    and need a quorum of its join ring (ring-placement.ts). Then it waits JOIN_WRITES_IN_FLIGHT_MS
//    more: a write a coordinator started before it knew of the joiner (targets and quorum of the old
//    ring) may still be landing on the replica the joiner displaces, and the stream must not pass its
//    key first.
// 3. It streams each range it holds in its join ring (the current ring with it added: see
//    ring-placement.ts) from a current replica (rebalance-engine.ts), then becomes an
//    owner: only then do quorums count it.
// 4. Joiners become owners one at a time, the lowest node id first (Cassandra refuses concurrent range
//    movements for the same reason). Two joiners that each became an owner of "the current ring with
//    me added" could both displace replicas of one key and both stream it from the same one, while a
//    write acknowledged before the join sits on the two others, one of which the final ring drops too.
//    The next joiner re-plans against the ring with the first one in (its wait starts again too), and
//    streams from the replica that ring displaces. Exempt: a cluster starting (a founder and two
//    joiners, N = 3), where nobody is displaced and every member holds every acknowledged write.
//
// When nobody owns anything yet (a cluster starting: `swarmkv up -n 3`, every node with --bootstrap),
// the joiner with the lowest node id founds the ring once every member it knows has reported its own
// state and it has been connected for JOIN_FOUNDING_QUIET_MS; the others then join it as above. No
// human orders them, and two nodes never both found a ring of their own once they know each other.

import { REPLICA_QUORUM_DEADLINE_MS } from '../limits';
import type { Logger } from '../log';
import { PENDING_RING_DIGEST_METADATA, RING_DIGEST_METADATA, reportedOwnership } from '../ring';
import { requiredAcks } from './quorum';
import type { RebalanceEngine } from './rebalance-engine';
import type { RingPlacement } from './ring-placement';
import type { SelfOwnership } from './self-ownership';
import { planJoinTransfers } from './transfer-plan';

/** How often a joining node checks whether it can take its next step. */
export const JOIN_CHECK_INTERVAL_MS = 250;
/** After a failed transfer round, the next waits this long. */
export const JOIN_RETRY_MS = 2000;
/** A node founds a ring only after this long connected to its cluster with no owner in sight. */
export const JOIN_FOUNDING_QUIET_MS = 2000;
/**
 * How long one write attempt lasts at most (each attempt places the key afresh: coordinator.ts): once
 * the members have agreed on the rings this long, every write attempt routed by an older ring has
 * been acknowledged, with every acknowledging replica's copy stored, or has failed (see step 2).
 */
export const JOIN_WRITES_IN_FLIGHT_MS = REPLICA_QUORUM_DEADLINE_MS;

/** A member as the join reads it (membership's MemberSummary fits). */
export interface JoinMember {
  readonly nodeId: string;
  readonly state: 'alive' | 'suspect' | 'dead' | 'left' | 'removed';
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly self: boolean;
}

export interface RingJoinDeps {
  readonly selfId: string;
  readonly ownership: SelfOwnership;
  readonly placement: RingPlacement;
  readonly members: () => readonly JoinMember[];
  /** True once the transport has met the cluster (or found nobody to meet). */
  readonly transportJoined: () => boolean;
  readonly engine: RebalanceEngine;
  readonly logger: Logger;
  /** The wait for writes in flight; JOIN_WRITES_IN_FLIGHT_MS unless a test shortens it. */
  readonly writesInFlightMs?: number;
}

/** The rings the members agreed on, and since when (performance.now), without a break. */
interface Agreement {
  readonly rings: string;
  readonly sinceMs: number;
}

export class RingJoin {
  readonly #deps: RingJoinDeps;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #joinedSinceMs: number | undefined;
  /** Which rings every member up has reported as this node's, and since when, without a break. */
  #agreement: Agreement | undefined;
  #streaming = false;
  /** The engine's streamed totals when this join began streaming, for the totals of its ownership line. */
  #streamedBefore = { keys: 0, bytes: 0 };
  /** The joiner this one last logged waiting for (step 4), so the wait is logged once. */
  #waitingFor: string | undefined;
  #closed = false;

  constructor(deps: RingJoinDeps) {
    this.#deps = deps;
  }

  /** Whether this node may coordinate requests: an owner, or a joiner that routes by the owners' ring. */
  ready(): boolean {
    if (this.#deps.ownership.current !== 'joining') return true;
    const digest = this.#deps.placement.current().ring.digest;
    if (this.#deps.placement.current().ring.size === 0) return false;
    return this.#others().some((member) => member.state === 'alive' && reportedOwnership(member.metadata) === 'owner' && member.metadata[RING_DIGEST_METADATA] === digest);
  }

  start(): void {
    if (this.#deps.ownership.current === 'joining') this.#schedule(0);
  }

  close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    return this.#deps.engine.close();
  }

  #schedule(delayMs: number): void {
    if (this.#closed || this.#deps.ownership.current !== 'joining') return;
    this.#timer = setTimeout(() => void this.#step(), delayMs);
    this.#timer.unref();
  }

  async #step(): Promise<void> {
    try {
      const delayMs = await this.#next();
      this.#schedule(delayMs);
    } catch (error) {
      this.#deps.logger.error('ring.join_failed', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      this.#schedule(JOIN_RETRY_MS);
    }
  }

  /** One step of the join; resolves with the delay before the next. */
  async #next(): Promise<number> {
    if (!this.#deps.transportJoined()) return JOIN_CHECK_INTERVAL_MS;
    this.#joinedSinceMs ??= performance.now();
    const { placement, ownership } = this.#deps;
    if (placement.current().ring.size === 0) {
      if (this.#mayFound()) await ownership.become('owner', 'founded the ring: no owner was known');
      return JOIN_CHECK_INTERVAL_MS;
    }
    if (!this.#pendingRingAgreed()) {
      this.#agreement = undefined;
      return JOIN_CHECK_INTERVAL_MS;
    }
    // The wait starts again when the rings move, even if every member caught up between two checks
    // (another joiner became an owner while this one streamed): writes routed by the rings before are
    // in flight again.
    const rings = `${placement.current().ring.digest} ${placement.pending().ring.digest}`;
    if (this.#agreement?.rings !== rings) this.#agreement = { rings, sinceMs: performance.now() };
    if (performance.now() - this.#agreement.sinceMs < (this.#deps.writesInFlightMs ?? JOIN_WRITES_IN_FLIGHT_MS)) return JOIN_CHECK_INTERVAL_MS;
    const plan = this.#plan();
    if (!this.#streaming) {
      this.#deps.logger.info('ring.join_streaming', { transfers: plan.length, pendingDigest: placement.pending().ring.digest });
      this.#streamedBefore = { keys: this.#deps.engine.keysStreamed, bytes: this.#deps.engine.bytesStreamed };
    }
    this.#streaming = true;
    if (!(await this.#deps.engine.run(plan))) return JOIN_RETRY_MS;
    // The rings may have moved while streaming (another node joined or left): only an unchanged plan is done.
    const again = this.#plan();
    if (again.map((planned) => planned.id).join() !== plan.map((planned) => planned.id).join()) return 0;
    // Until the joiner ahead is an owner; the finished transfers are not streamed again meanwhile.
    const ahead = this.#joinerAhead();
    if (ahead !== undefined) {
      if (this.#waitingFor !== ahead) this.#deps.logger.info('ring.join_waiting', { for: ahead, reason: 'a joiner with a lower node id becomes an owner first' });
      this.#waitingFor = ahead;
      return JOIN_CHECK_INTERVAL_MS;
    }
    const keys = this.#deps.engine.keysStreamed - this.#streamedBefore.keys;
    const bytes = this.#deps.engine.bytesStreamed - this.#streamedBefore.bytes;
    await ownership.become('owner', `streamed its ${plan.length} ${plan.length === 1 ? 'range' : 'ranges'} in (${keys} keys, ${bytes} bytes)`);
    await this.#deps.engine.forgetProgress();
    return 0;
  }

  /** The ranges this node holds in its join ring (the current ring with it added), from their current replicas. */
  #plan() {
    const { placement, selfId } = this.#deps;
    const joinRing = placement.joinRing(selfId);
    return joinRing === undefined ? [] : planJoinTransfers(placement.current().ring, joinRing, placement.replicationFactor, selfId);
  }

  /**
   * The joining member (up, alive or suspect) with the lowest node id below this node's, which becomes
   * an owner before this one (step 4); undefined if none. Also undefined while no ring the joiners can
   * make displaces anyone (the ring with every joiner in has at most N members) and every current member
   * holds every write acknowledged at quorum (a quorum of the current ring is all of it): then any
   * owners the joiners become, at once or not, hold every acknowledged write.
   */
  #joinerAhead(): string | undefined {
    const { placement } = this.#deps;
    const current = placement.current().ring.size;
    if (placement.pending().ring.size <= placement.replicationFactor && requiredAcks('quorum', current) === current) return undefined;
    const ahead = this.#othersUp()
      .filter((member) => reportedOwnership(member.metadata) === 'joining' && member.nodeId < this.#deps.selfId)
      .map((member) => member.nodeId)
      .sort();
    return ahead[0];
  }

  #others(): JoinMember[] {
    return this.#deps.members().filter((member) => !member.self && member.state !== 'left' && member.state !== 'removed');
  }

  /** The other members that are up: alive, or suspect (most often alive and slow, still coordinating). */
  #othersUp(): JoinMember[] {
    return this.#others().filter((member) => member.state === 'alive' || member.state === 'suspect');
  }

  /** No owner known, every member up has said it is joining too, and this node has the lowest id of them. */
  #mayFound(): boolean {
    if (this.#joinedSinceMs === undefined || performance.now() - this.#joinedSinceMs < JOIN_FOUNDING_QUIET_MS) return false;
    const up = this.#othersUp();
    if (up.some((member) => reportedOwnership(member.metadata) === undefined)) return false;
    return up.every((member) => member.nodeId > this.#deps.selfId);
  }

  /**
   * Every member that is up routes by the same current and pending rings as this node (so by the same
   * join rings too): its writes to this node's future ranges reach this node. A suspect member counts:
   * it is most often alive and slow (a loaded machine), and it coordinates writes by the rings it
   * reports; streaming past it could pass a key before its write lands on the replica streamed from.
   * Waiting on it lasts until it catches up or is declared dead.
   */
  #pendingRingAgreed(): boolean {
    const pending = this.#deps.placement.pending().ring;
    const current = this.#deps.placement.current().ring;
    if (!pending.has(this.#deps.selfId)) return false;
    return this.#othersUp().every((member) => member.metadata[PENDING_RING_DIGEST_METADATA] === pending.digest && member.metadata[RING_DIGEST_METADATA] === current.digest);
  }
}
