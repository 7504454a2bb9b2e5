// The membership state machine's state: plain, immutable data. Every transition copies what it changes
// (draft.ts), so a state handed out is never modified and tests can keep and compare old ones.

import type { BroadcastQueue } from './broadcast-queue';
import type { Member, MemberMetadata } from './member';
import type { MembershipConfig } from './membership-config';
import { MEMBERS_MAX } from './membership-limits';

export interface LocalIdentity {
  readonly nodeId: string;
  readonly name: string;
  readonly httpAddress: string;
}

/** A suspicion this node holds about a member, with the distinct members who accused it (Lifeguard). */
export interface Suspicion {
  readonly incarnation: number;
  readonly startedAtMs: number;
  readonly accusers: readonly string[];
  /** Confirmations expected when the suspicion began (see suspicion-timeout.ts). */
  readonly expected: number;
}

/** The probe of the current protocol period (SWIM section 3.1). */
export interface ProbeRound {
  readonly target: string;
  readonly sequence: number;
  readonly startedAtMs: number;
  /** When to give up on the direct ping and ask others (ping-req). */
  readonly indirectAtMs: number;
  /** When the period ends: no ack by then, direct or relayed, and the target is suspected. */
  readonly endsAtMs: number;
  readonly indirectSent: boolean;
  /** The members asked to probe the target indirectly (ping-req), once asked. */
  readonly helpers: readonly string[];
  /** Nacks expected from and received back from the members asked to probe indirectly. */
  readonly expectedNacks: number;
  readonly nacks: number;
}

/** A ping this node sent on another's behalf (it received a ping-req), keyed by our own sequence. */
export interface Relay {
  readonly requester: string;
  readonly requesterSequence: number;
  readonly target: string;
  /** When to tell the requester that the target stayed silent (Lifeguard's nack). */
  readonly nackAtMs: number;
  readonly nackSent: boolean;
  /** Until then a late ack from the target is still forwarded. */
  readonly expiresAtMs: number;
}

export interface MembershipState {
  readonly config: MembershipConfig;
  readonly selfId: string;
  /** Every known member, this node included. */
  readonly members: ReadonlyMap<string, Member>;
  readonly suspicions: ReadonlyMap<string, Suspicion>;
  readonly broadcasts: BroadcastQueue;
  readonly relays: ReadonlyMap<number, Relay>;
  /**
   * Peers the transport has a connection to, known as members or not yet: a node learns of a peer from
   * its connection before (or, if that peer's table push is lost, long before) it learns its name.
   */
  readonly connections: ReadonlySet<string>;
  readonly probe: ProbeRound | undefined;
  /** Round-robin probe order, reshuffled at the end of each pass (SWIM section 4.3). */
  readonly probeOrder: readonly string[];
  readonly probeCursor: number;
  /** Members to probe out of turn because their connection dropped. */
  readonly urgentProbes: readonly string[];
  readonly nextProbeAtMs: number;
  readonly nextPushAtMs: number;
  /** When queued updates may next be gossiped; only a deadline while the queue holds any. */
  readonly nextGossipAtMs: number;
  readonly sequence: number;
  /** Lifeguard's local health score, 0 when healthy; timings stretch by (score + 1). */
  readonly localHealth: number;
  readonly randomState: number;
}

export interface InitialMembershipOptions {
  readonly self: LocalIdentity;
  readonly config: MembershipConfig;
  /**
   * Must exceed every incarnation this node id has used before. The driver passes the wall clock in
   * milliseconds at start: refutations also never go below the clock (see apply-update.ts), so a
   * restarted node is above its previous life unless its clock stepped back across the restart, and
   * even then the first refutation puts it right. Persisting it would survive the clock too, but not
   * `--memory` nodes, and the clock needs no disk.
   */
  readonly incarnation: number;
  /** Seeds probe-order shuffles and target choices; any integer. */
  readonly seed: number;
  readonly nowMs: number;
  readonly metadata?: MemberMetadata;
  /**
   * Members removed from the cluster before this start (remembered on disk): known as `removed` from the
   * first moment, so a removed node that comes back cannot introduce itself, even if every node restarted.
   */
  readonly removed?: readonly Pick<Member, 'nodeId' | 'name' | 'httpAddress' | 'incarnation'>[];
}

export function initialMembershipState(options: InitialMembershipOptions): MembershipState {
  const { self, config, incarnation, nowMs } = options;
  const member: Member = {
    ...self,
    state: 'alive',
    incarnation,
    lastHeardAtMs: nowMs,
    stateChangedAtMs: nowMs,
    metadata: options.metadata ?? {},
  };
  return {
    config,
    selfId: self.nodeId,
    members: new Map([...removedMembers(options), [self.nodeId, member]]),
    suspicions: new Map(),
    broadcasts: new Map(),
    relays: new Map(),
    connections: new Set(),
    probe: undefined,
    probeOrder: [],
    probeCursor: 0,
    urgentProbes: [],
    nextProbeAtMs: nowMs + config.probeIntervalMs,
    nextPushAtMs: nowMs + config.syncIntervalMs,
    nextGossipAtMs: nowMs,
    sequence: 0,
    localHealth: 0,
    randomState: options.seed >>> 0,
  };
}

function removedMembers(options: InitialMembershipOptions): [string, Member][] {
  const { nowMs } = options;
  return (options.removed ?? [])
    .filter((removed) => removed.nodeId !== options.self.nodeId)
    .slice(-MEMBERS_MAX + 1)
    .map((removed) => [removed.nodeId, { ...removed, state: 'removed', lastHeardAtMs: nowMs, stateChangedAtMs: nowMs, metadata: {} }]);
}
