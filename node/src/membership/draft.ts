// A transition's working copy of the state. A step opens a draft (copying the collections), the
// handlers change it and append effects, and closing it freezes the result into a new state. Handlers
// read as ordinary code while the state machine stays pure: the input state is never touched.

import { assert } from '../assert';
import { retransmitLimit, takeBroadcasts, type BroadcastEntry } from './broadcast-queue';
import { isUp, updateOf, type Member, type MemberUpdate } from './member';
import type { MembershipConfig } from './membership-config';
import type { ChangeCause, MembershipEffect } from './membership-effect';
import { MEMBERS_MAX, SEQUENCE_MAX } from './membership-limits';
import type { MembershipState, ProbeRound, Relay, Suspicion } from './membership-state';
import type { MembershipMessage } from './messages';
import { seededRandom, type Random } from './random';

export interface Draft {
  readonly config: MembershipConfig;
  readonly selfId: string;
  readonly nowMs: number;
  readonly members: Map<string, Member>;
  readonly suspicions: Map<string, Suspicion>;
  readonly broadcasts: Map<string, BroadcastEntry>;
  readonly relays: Map<number, Relay>;
  readonly connections: Set<string>;
  probe: ProbeRound | undefined;
  probeOrder: string[];
  probeCursor: number;
  urgentProbes: string[];
  nextProbeAtMs: number;
  nextPushAtMs: number;
  nextGossipAtMs: number;
  sequence: number;
  localHealth: number;
  readonly random: Random;
  readonly effects: MembershipEffect[];
}

export function openDraft(state: MembershipState, nowMs: number): Draft {
  return {
    config: state.config,
    selfId: state.selfId,
    nowMs,
    members: new Map(state.members),
    suspicions: new Map(state.suspicions),
    broadcasts: new Map(state.broadcasts),
    relays: new Map(state.relays),
    connections: new Set(state.connections),
    probe: state.probe,
    probeOrder: [...state.probeOrder],
    probeCursor: state.probeCursor,
    urgentProbes: [...state.urgentProbes],
    nextProbeAtMs: state.nextProbeAtMs,
    nextPushAtMs: state.nextPushAtMs,
    nextGossipAtMs: state.nextGossipAtMs,
    sequence: state.sequence,
    localHealth: state.localHealth,
    random: seededRandom(state.randomState),
    effects: [],
  };
}

export function closeDraft(draft: Draft): { state: MembershipState; effects: MembershipEffect[] } {
  const state: MembershipState = {
    config: draft.config,
    selfId: draft.selfId,
    members: draft.members,
    suspicions: draft.suspicions,
    broadcasts: draft.broadcasts,
    relays: draft.relays,
    connections: draft.connections,
    probe: draft.probe,
    probeOrder: draft.probeOrder,
    probeCursor: draft.probeCursor,
    urgentProbes: draft.urgentProbes,
    nextProbeAtMs: draft.nextProbeAtMs,
    nextPushAtMs: draft.nextPushAtMs,
    nextGossipAtMs: draft.nextGossipAtMs,
    sequence: draft.sequence,
    localHealth: draft.localHealth,
    randomState: draft.random.state,
  };
  return { state, effects: draft.effects };
}

export function selfMember(draft: Draft): Member {
  const self = draft.members.get(draft.selfId);
  assert(self, 'the member table always holds this node');
  return self;
}

export function isLeaving(draft: Draft): boolean {
  return selfMember(draft).state === 'left';
}

/** Stores a member, reporting a new member or a change of state or incarnation (and why, if given) as an effect. */
export function putMember(draft: Draft, member: Member, cause?: ChangeCause): void {
  const previous = draft.members.get(member.nodeId);
  draft.members.set(member.nodeId, member);
  if (previous?.state !== member.state || previous.incarnation !== member.incarnation) {
    draft.effects.push({ type: 'memberChanged', member, previousState: previous?.state, previousIncarnation: previous?.incarnation, ...(cause === undefined ? {} : { cause }) });
  }
}

/** Notes first-hand evidence that a member is up right now. */
export function heardFrom(draft: Draft, nodeId: string): void {
  const member = draft.members.get(nodeId);
  if (member && nodeId !== draft.selfId) draft.members.set(nodeId, { ...member, lastHeardAtMs: draft.nowMs });
}

/** The transport has a connection to `nodeId` (it said so, or a message just came over one). */
export function noteConnected(draft: Draft, nodeId: string): void {
  if (nodeId !== draft.selfId && draft.connections.size < MEMBERS_MAX) draft.connections.add(nodeId);
}

export function nextSequence(draft: Draft): number {
  draft.sequence = draft.sequence >= SEQUENCE_MAX ? 1 : draft.sequence + 1;
  return draft.sequence;
}

export function send(draft: Draft, to: string, message: MembershipMessage): void {
  draft.effects.push({ type: 'send', to, message });
}

/** Members that are up, this node included: the cluster size for retransmit and suspicion maths. */
export function upMemberCount(draft: Draft): number {
  let count = 0;
  for (const member of draft.members.values()) if (isUp(member)) count++;
  return count;
}

/** Other members that are up and reachable right now: who can be asked to relay or be pushed to. */
export function reachablePeers(draft: Draft, except: string[] = []): string[] {
  return [...draft.members.values()]
    .filter((member) => member.nodeId !== draft.selfId && isUp(member) && draft.connections.has(member.nodeId) && !except.includes(member.nodeId))
    .map((member) => member.nodeId);
}

/**
 * Updates for one outgoing message, `first` ahead of the queue's. `first` carries Lifeguard's buddy
 * system: a ping to a member we suspect (or an ack to one we think dead) tells it so, and so it can
 * refute at once instead of waiting for gossip to reach it.
 */
export function piggyback(draft: Draft, countMax: number, first: MemberUpdate[] = []): MemberUpdate[] {
  const limit = retransmitLimit(draft.config.gossipRetransmitMultiplier, upMemberCount(draft));
  const queued = takeBroadcasts(draft.broadcasts, countMax - first.length, limit);
  return [...first, ...queued.filter((update) => !first.some((buddy) => buddy.nodeId === update.nodeId))];
}

/** The update that tells a member what we believe about it, when that is bad news it should refute. */
export function badNewsFor(draft: Draft, nodeId: string): MemberUpdate[] {
  const member = draft.members.get(nodeId);
  if (!member || member.state === 'alive') return [];
  return [updateOf(member, draft.suspicions.get(nodeId)?.accusers[0] ?? draft.selfId)];
}
