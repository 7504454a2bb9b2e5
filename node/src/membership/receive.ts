// Handling of incoming membership messages. Every message first has its piggybacked updates applied
// (so a refutation they provoke rides on our reply) and counts as first-hand evidence that its sender
// is up; then the message itself is answered.

import { applyUpdate, noteSender } from './apply-update';
import { badNewsFor, nextSequence, piggyback, selfMember, send, type Draft } from './draft';
import { updateOf, type MemberMetadata, type MemberUpdate } from './member';
import { PIGGYBACK_UPDATES_MAX, PUSH_UPDATES_MAX, RELAYS_MAX } from './membership-limits';
import type { AckMessage, MembershipMessage, PingMessage, PingReqMessage } from './messages';
import { probeAcked, probeNacked } from './probe-round';

export function receive(draft: Draft, from: string, message: MembershipMessage): void {
  if (from === draft.selfId) return;
  if (message.type !== 'membershipNack') for (const update of message.updates) applyUpdate(draft, update);
  noteSender(draft, from);
  if ((message.type === 'membershipPing' || message.type === 'membershipAck') && draft.members.has(from)) {
    const member = draft.members.get(from)!;
    if (!sameMetadata(member.metadata, message.metadata)) draft.effects.push({ type: 'metadataChanged', nodeId: from });
    draft.members.set(from, { ...member, metadata: message.metadata });
  }
  switch (message.type) {
    case 'membershipPing':
      return answerPing(draft, from, message);
    case 'membershipAck':
      return receiveAck(draft, from, message);
    case 'membershipNack':
      return probeNacked(draft, message.sequence);
    case 'membershipPingReq':
      return relayPing(draft, from, message);
    case 'membershipGossip':
      return;
    case 'membershipPush':
      if (message.pullWanted) pushTable(draft, from, false);
      return;
  }
}

function sameMetadata(a: MemberMetadata, b: MemberMetadata): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

function answerPing(draft: Draft, from: string, ping: PingMessage): void {
  // Buddy system: a sender we suspect or think dead hears it in our ack, and can refute at once.
  const updates = piggyback(draft, PIGGYBACK_UPDATES_MAX, badNewsFor(draft, from));
  send(draft, from, { type: 'membershipAck', sequence: ping.sequence, updates, metadata: selfMember(draft).metadata });
}

function receiveAck(draft: Draft, from: string, ack: AckMessage): void {
  if (probeAcked(draft, ack.sequence)) return;
  const relay = draft.relays.get(ack.sequence);
  if (!relay || relay.target !== from) return;
  draft.relays.delete(ack.sequence);
  // The requester cannot hear the target directly; pass on what we know of it, in case that is a
  // refutation the requester missed.
  const target = draft.members.get(from);
  const updates = piggyback(draft, PIGGYBACK_UPDATES_MAX, target?.state === 'alive' ? [updateOf(target, from)] : []);
  send(draft, relay.requester, { type: 'membershipAck', sequence: relay.requesterSequence, updates, metadata: selfMember(draft).metadata });
}

/**
 * A ping-req: ping the target with a sequence of our own and remember whom to forward its ack to. With
 * no connection to the target, or too many relays open, the requester gets a nack straight away.
 */
function relayPing(draft: Draft, from: string, request: PingReqMessage): void {
  if (request.target === draft.selfId) {
    send(draft, from, { type: 'membershipAck', sequence: request.sequence, updates: [], metadata: selfMember(draft).metadata });
    return;
  }
  const target = draft.members.get(request.target);
  if (!target || !draft.connections.has(request.target) || draft.relays.size >= RELAYS_MAX) {
    send(draft, from, { type: 'membershipNack', sequence: request.sequence });
    return;
  }
  const sequence = nextSequence(draft);
  const updates = piggyback(draft, PIGGYBACK_UPDATES_MAX, badNewsFor(draft, request.target));
  send(draft, request.target, { type: 'membershipPing', sequence, updates, metadata: selfMember(draft).metadata });
  // The nack must reach the requester before its protocol period ends: it sent the ping-req after its
  // probe timeout, so half of what is left of its period is our budget. Assumes peers share a profile.
  const { probeIntervalMs, probeTimeoutMs } = draft.config;
  draft.relays.set(sequence, {
    requester: from,
    requesterSequence: request.sequence,
    target: request.target,
    nackAtMs: draft.nowMs + Math.max(1, Math.floor((probeIntervalMs - probeTimeoutMs) / 2)),
    nackSent: false,
    expiresAtMs: draft.nowMs + probeIntervalMs,
  });
}

/** Relays whose target stayed silent: nack the requester, and forget them once a late ack is useless. */
export function expireRelays(draft: Draft): void {
  for (const [sequence, relay] of draft.relays) {
    if (draft.nowMs >= relay.expiresAtMs) draft.relays.delete(sequence);
    else if (!relay.nackSent && draft.nowMs >= relay.nackAtMs) {
      send(draft, relay.requester, { type: 'membershipNack', sequence: relay.requesterSequence });
      draft.relays.set(sequence, { ...relay, nackSent: true });
    }
  }
}

/** Our whole member table, in pushes of at most PUSH_UPDATES_MAX updates; the first may ask for theirs. */
export function pushTable(draft: Draft, to: string, pullWanted: boolean): void {
  const updates: MemberUpdate[] = [...draft.members.values()].map((member) =>
    updateOf(member, member.state === 'alive' || member.state === 'left' ? member.nodeId : (draft.suspicions.get(member.nodeId)?.accusers[0] ?? draft.selfId)),
  );
  for (let start = 0; start < updates.length; start += PUSH_UPDATES_MAX) {
    send(draft, to, { type: 'membershipPush', updates: updates.slice(start, start + PUSH_UPDATES_MAX), pullWanted: pullWanted && start === 0 });
  }
}
