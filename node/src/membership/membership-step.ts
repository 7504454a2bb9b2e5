// The membership protocol as a pure state machine: `(state, event, now) -> { state, effects }`.
//
// It follows SWIM (Das, Gupta and Motivala, "SWIM: Scalable Weakly-consistent Infection-style Process
// Group Membership Protocol", DSN 2002): shuffled round-robin probing with indirect probes, suspicion
// before death, incarnation numbers for refutation, and dissemination by piggybacking on protocol
// messages. From hashicorp/memberlist and its Lifeguard paper (Dadgar, Phillips and Currey, "Lifeguard:
// Local Health Awareness for More Accurate Failure Detection", 2018) it takes the retransmit limit of
// lambda * ceil(log10(n + 1)), a gossip tick that pushes queued updates to a few random members, nacks
// and local health, the confirmation-driven suspicion timeout, the buddy system, and a periodic
// full-table push (memberlist's push/pull) for anti-entropy.
//
// Deviations:
// - Messages travel over authenticated connections, not UDP: a peer is named by its node id, a member
//   with no connection is probed only indirectly, and a lost connection is a hint to probe that member
//   out of turn, never a verdict.
// - Joining needs no seed address: the transport finds peers and both sides push their tables on connect.
// - A member's metadata rides on its own pings and acks instead of needing a new incarnation.
// - Incarnations start from the wall clock (see membership-state.ts), so a restarted node outranks its
//   previous life without persisting anything.
// - A node that hears of a suspicion probes the suspect next (a quick independent confirmation, or the
//   refutation first hand), and stale bad news about a member known alive is answered by gossiping the
//   newer alive again. Under 10% message loss these two removed the false dead verdicts that
//   piggybacking alone let through in simulation.
// - A death verdict about a member heard from first hand since any suspicion of it could have begun
//   counts as a suspicion (memberlist does this for the deaths in a pushed table only): a node back
//   from a partition gossips the verdicts it reached there, and without this its peers took its word
//   over their own live connection for the moment until the member refuted.

import { assert } from '../assert';
import { removeMember } from './apply-update';
import { enqueueBroadcast } from './broadcast-queue';
import { closeDraft, isLeaving, nextSequence, noteConnected, openDraft, putMember, reachablePeers, selfMember, send, type Draft } from './draft';
import { isUp, updateOf } from './member';
import type { MembershipEffect } from './membership-effect';
import type { MembershipEvent } from './membership-event';
import type { MembershipState } from './membership-state';
import { parseMetadata } from './messages';
import { probeSoon } from './probe-order';
import { sample } from './random';
import { pushTable, receive } from './receive';
import { suspicionDeadlineMs, tick } from './tick';

export interface MembershipTransition {
  readonly state: MembershipState;
  readonly effects: MembershipEffect[];
}

export function membershipStep(state: MembershipState, event: MembershipEvent, nowMs: number): MembershipTransition {
  const draft = openDraft(state, nowMs);
  switch (event.type) {
    case 'tick':
      tick(draft);
      break;
    case 'message':
      receive(draft, event.from, event.message);
      break;
    case 'peerConnected':
      peerConnected(draft, event.nodeId);
      break;
    case 'peerDisconnected':
      peerDisconnected(draft, event.nodeId);
      break;
    case 'leave':
      leave(draft);
      break;
    case 'remove':
      removeMember(draft, event.nodeId);
      break;
    case 'setMetadata':
      assert(parseMetadata(event.metadata) !== undefined, 'local metadata fits the limits peers enforce');
      putMember(draft, { ...selfMember(draft), metadata: event.metadata });
      if (event.announce === true) announceMetadata(draft);
      break;
  }
  return closeDraft(draft);
}

/**
 * Metadata rides on pings and acks, so a peer hears a change when one of the two next probes the other:
 * up to (members - 1) probe intervals, longer while local health stretches them (measured: 10 s for a
 * ring change to reach two of five nodes). Changes that must not wait (the rings this node routes by, its
 * ownership: a joiner waits for every member to report them) go out at once in a ping to every reachable
 * member. Not a probe: its sequence is none the probe round or a relay waits for, so the ack, which
 * brings the peer's metadata back, is taken for its contents and otherwise ignored. No updates ride on
 * it: the gossip budget stays with the probes and the gossip tick.
 */
function announceMetadata(draft: Draft): void {
  const metadata = selfMember(draft).metadata;
  for (const peer of reachablePeers(draft)) send(draft, peer, { type: 'membershipPing', sequence: nextSequence(draft), updates: [], metadata });
}

/** Both sides push their tables, each asking for the other's: that is how a node joins the cluster. */
function peerConnected(draft: Draft, nodeId: string): void {
  if (nodeId === draft.selfId) return;
  noteConnected(draft, nodeId);
  pushTable(draft, nodeId, true);
}

function peerDisconnected(draft: Draft, nodeId: string): void {
  draft.connections.delete(nodeId);
  const member = draft.members.get(nodeId);
  if (!member || nodeId === draft.selfId) return;
  if (member.state === 'alive' && !isLeaving(draft)) probeSoon(draft, nodeId);
}

/**
 * A clean shutdown: announce `left` at the current incarnation, push it to K members straight away
 * (the rest hear by piggyback and table pushes), and stop probing. The node still answers pings until
 * its driver closes, which spreads the news further.
 */
function leave(draft: Draft): void {
  const self = selfMember(draft);
  if (self.state === 'left') return;
  const left = { ...self, state: 'left' as const, stateChangedAtMs: draft.nowMs };
  putMember(draft, left);
  enqueueBroadcast(draft.broadcasts, updateOf(left, draft.selfId));
  draft.probe = undefined;
  draft.urgentProbes = [];
  for (const peer of sample(draft.random, reachablePeers(draft), draft.config.indirectProbeCount)) {
    send(draft, peer, { type: 'membershipGossip', updates: [updateOf(left, draft.selfId)] });
  }
}

/** When the machine next needs a tick, in the same milliseconds as `now`; the driver sets one timer. */
export function nextDeadlineMs(state: MembershipState): number {
  const self = state.members.get(state.selfId);
  const deadlines = [state.nextPushAtMs];
  if (state.broadcasts.size > 0) deadlines.push(state.nextGossipAtMs);
  if (self && isUp(self)) deadlines.push(state.nextProbeAtMs);
  if (state.probe) deadlines.push(state.probe.indirectSent ? state.probe.endsAtMs : state.probe.indirectAtMs);
  for (const relay of state.relays.values()) deadlines.push(relay.nackSent ? relay.expiresAtMs : relay.nackAtMs);
  for (const suspicion of state.suspicions.values()) deadlines.push(suspicionDeadlineMs(state, suspicion));
  for (const member of state.members.values()) {
    if (member.state === 'left' && member.nodeId !== state.selfId) deadlines.push(member.stateChangedAtMs + state.config.departedRetentionMs);
  }
  return Math.min(...deadlines);
}
