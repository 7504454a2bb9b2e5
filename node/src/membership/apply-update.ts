// How a member update changes what this node believes: SWIM's precedence rules (Das et al. 2002,
// section 4.2) with memberlist's refinements. For a member at incarnation i:
//   alive(j)   wins when j > i: only the member raises its incarnation, so a higher one is newer news.
//   suspect(j) wins over alive when j >= i, and over suspect when j > i; the same suspicion from
//              another accuser is a Lifeguard confirmation, which shortens the suspicion timeout.
//   dead(j)    wins over alive and suspect when j >= i; but about a member we heard from first hand
//              more recently than any suspicion could have begun, it counts as suspect(j) (below).
//   left(j)    wins over anything but left and removed when j >= i.
//   removed    wins over anything, at any incarnation: an operator's act, only ever taken for a member
//              believed dead, and final (no alive brings the member back; a fresh node joins anew).
// Dead and left are sticky: once there, only alive at a higher incarnation (a refutation, or a restart)
// brings a member back. Suspect and dead never apply to a member we do not know.
// About itself, a node refutes any suspect, dead or left at or above its incarnation, and any alive
// above it, by taking an incarnation above what it heard; that is how a falsely suspected node lives on.

import { enqueueBroadcast } from './broadcast-queue';
import { heardFrom, isLeaving, noteConnected, putMember, selfMember, upMemberCount, type Draft } from './draft';
import { isUp, updateOf, type Member, type MemberUpdate } from './member';
import type { ChangeCause } from './membership-effect';
import { INCARNATION_AHEAD_MS_MAX, MEMBERS_MAX } from './membership-limits';
import { insertIntoProbeOrder, probeSoon } from './probe-order';
import { expectedConfirmations } from './suspicion-timeout';

/** Applies `update`; `cause` says why when this node is its source (its probe), else it is the accuser's gossip. */
export function applyUpdate(draft: Draft, update: MemberUpdate, cause?: ChangeCause): void {
  if (update.incarnation > draft.nowMs + INCARNATION_AHEAD_MS_MAX) return;
  if (update.nodeId === draft.selfId) return applyAboutSelf(draft, update);
  const current = draft.members.get(update.nodeId);
  if (update.state === 'removed') return applyRemoved(draft, update, current);
  if (current?.state === 'removed') return;
  if (current && isStaleBadNews(update, current)) return regossip(draft, current);
  switch (update.state) {
    case 'alive':
      return applyAlive(draft, update, current);
    case 'suspect':
      if (!current || !isUp(current) || update.incarnation < current.incarnation) return;
      if (current.state === 'suspect' && update.incarnation === current.incarnation) {
        if (confirmSuspicion(draft, current, update.from)) enqueueBroadcast(draft.broadcasts, update);
        return;
      }
      startSuspicion(draft, current, update.incarnation, update.from, cause);
      return enqueueBroadcast(draft.broadcasts, update);
    case 'dead':
      if (!current) return learnDead(draft, update);
      if (!isUp(current) || update.incarnation < current.incarnation) return;
      if (heardSinceAnySuspicionBegan(draft, current)) return applyUpdate(draft, { ...update, state: 'suspect' });
      return markDown(draft, current, update);
    case 'left':
      if (!current || current.state === 'left' || update.incarnation < current.incarnation) return;
      return markDown(draft, current, update);
  }
}

function applyAlive(draft: Draft, update: MemberUpdate, current: Member | undefined): void {
  if (current && update.incarnation <= current.incarnation) return;
  if (!current && draft.members.size >= MEMBERS_MAX) return;
  draft.suspicions.delete(update.nodeId);
  putMember(draft, {
    nodeId: update.nodeId,
    name: update.name,
    httpAddress: update.httpAddress,
    state: 'alive',
    incarnation: update.incarnation,
    lastHeardAtMs: current?.lastHeardAtMs ?? draft.nowMs,
    stateChangedAtMs: current?.state === 'alive' ? current.stateChangedAtMs : draft.nowMs,
    metadata: current?.metadata ?? {},
  });
  if (!current || !isUp(current)) insertIntoProbeOrder(draft, update.nodeId);
  enqueueBroadcast(draft.broadcasts, update);
}

function applyAboutSelf(draft: Draft, update: MemberUpdate): void {
  const self = selfMember(draft);
  if (self.state === 'removed') return;
  if (update.state === 'removed') {
    // Removed by an operator while down: this node's data and id are stale for the cluster. It stops.
    putMember(draft, { ...self, state: 'removed', stateChangedAtMs: draft.nowMs });
    draft.effects.push({ type: 'removedFromCluster', from: update.from });
    return;
  }
  // A leaving node lets its `left` stand; arguing would only keep it in the cluster.
  if (isLeaving(draft)) return;
  if (isStaleBadNews(update, self)) return regossip(draft, self);
  if (update.state === 'alive' ? update.incarnation <= self.incarnation : update.incarnation < self.incarnation) return;
  refute(draft, self, update.incarnation, { by: 'refutation', heard: update.state, accuser: update.from });
}

/**
 * Whether the member spoke to us first hand since the earliest moment a suspicion that ends now could
 * have begun (every suspicion lasts at least `suspicionTimeoutMinMs`). Then a death verdict about it is
 * not news of a crash but someone else's view: a node back from a partition gossips the verdicts it
 * reached on its side of it. We take it as a suspicion instead, as memberlist does for the deaths in a
 * pushed table: we probe the member next, it hears the suspicion and refutes, and a member that really
 * crashed is declared dead by our own timeout, at most `suspicionTimeoutMaxMs` later. A verdict on a
 * real crash always passes: its accuser's suspicion began after our last word from the member.
 */
function heardSinceAnySuspicionBegan(draft: Draft, member: Member): boolean {
  return draft.nowMs - member.lastHeardAtMs < draft.config.suspicionTimeoutMinMs;
}

/** A suspicion or death from before the member's current (alive) incarnation: its sender is behind. */
function isStaleBadNews(update: MemberUpdate, current: Member): boolean {
  return current.state === 'alive' && update.state !== 'alive' && update.incarnation < current.incarnation;
}

/**
 * Someone still spreads bad news that a refutation already answered, so that refutation did not reach
 * everyone (its retransmits ran out under message loss). Queue it again. Deviation from memberlist,
 * which ignores stale news: without this, a node that missed a refutation only hears it from the next
 * table push, often after its own suspicion timer has fired. Bounded: it stops once the news is current.
 */
function regossip(draft: Draft, current: Member): void {
  if (!draft.broadcasts.has(current.nodeId)) enqueueBroadcast(draft.broadcasts, updateOf(current, current.nodeId));
}

/**
 * Takes an incarnation above `heardIncarnation` and gossips it. Never below the wall clock either, so
 * incarnations stay at or under wall-clock milliseconds and a restart, which starts from the clock,
 * lands above anything the previous life used.
 */
function refute(draft: Draft, self: Member, heardIncarnation: number, cause: ChangeCause): void {
  const incarnation = Math.max(heardIncarnation + 1, self.incarnation + 1, draft.nowMs);
  const refuted: Member = { ...self, state: 'alive', incarnation, stateChangedAtMs: draft.nowMs };
  putMember(draft, refuted, cause);
  enqueueBroadcast(draft.broadcasts, updateOf(refuted, draft.selfId));
}

/** This node's own verdict after a failed probe round: suspect the target, or confirm a suspicion. */
export function suspect(draft: Draft, nodeId: string, cause: ChangeCause): void {
  const member = draft.members.get(nodeId);
  if (!member || !isUp(member)) return;
  applyUpdate(draft, updateOf({ ...member, state: 'suspect' }, draft.selfId), cause);
}

/** A suspicion ran out without a refutation: this node declares the member dead and says so. */
export function declareDead(draft: Draft, nodeId: string): void {
  const member = draft.members.get(nodeId);
  const suspicion = draft.suspicions.get(nodeId);
  draft.suspicions.delete(nodeId);
  if (!member || member.state !== 'suspect' || suspicion?.incarnation !== member.incarnation) return;
  markDown(draft, member, updateOf({ ...member, state: 'dead' }, draft.selfId), { by: 'timeout', suspectMs: draft.nowMs - suspicion.startedAtMs, accusers: suspicion.accusers.length });
}

function startSuspicion(draft: Draft, member: Member, incarnation: number, accuser: string, cause: ChangeCause = { by: 'gossip', accuser }): void {
  const expected = expectedConfirmations(draft.config, upMemberCount(draft));
  draft.suspicions.set(member.nodeId, { incarnation, startedAtMs: draft.nowMs, accusers: [accuser], expected });
  putMember(draft, { ...member, state: 'suspect', incarnation, stateChangedAtMs: draft.nowMs }, cause);
  // Heard it from another: probe the suspect ourselves next. A failure is an independent confirmation
  // (shortening the timeout for a real crash); an ack carries the suspect's refutation straight to us,
  // since our ping tells it of the suspicion (buddy system) and it answers stale news with its alive.
  if (accuser !== draft.selfId) probeSoon(draft, member.nodeId);
}

/** Records another accuser; false when it had already accused (a duplicate, not a confirmation). */
function confirmSuspicion(draft: Draft, member: Member, accuser: string): boolean {
  const suspicion = draft.suspicions.get(member.nodeId);
  if (!suspicion) {
    startSuspicion(draft, member, member.incarnation, accuser);
    return true;
  }
  if (suspicion.accusers.includes(accuser)) return false;
  draft.suspicions.set(member.nodeId, { ...suspicion, accusers: [...suspicion.accusers, accuser] });
  return true;
}

function markDown(draft: Draft, member: Member, update: MemberUpdate, cause?: ChangeCause): void {
  draft.suspicions.delete(member.nodeId);
  // Dead by another's word says whose; left is the member's own word, and needs no cause.
  const why = cause ?? (update.state === 'dead' ? { by: 'gossip' as const, accuser: update.from } : undefined);
  putMember(draft, { ...member, state: update.state, incarnation: update.incarnation, stateChangedAtMs: draft.nowMs }, why);
  enqueueBroadcast(draft.broadcasts, update);
}

/**
 * A dead member this node never knew (it joined after the death): learned as dead, since the ring is
 * built from every member but those that left or were removed (unless a connection to it is open). A node that ignored it would build a
 * ring without it, unlike every other node's, and its join would never complete.
 */
function learnDead(draft: Draft, update: MemberUpdate): void {
  // Connected to it, this node is about to hear it introduce itself (both ends push their tables on a
  // new connection): the news is older than that, and a stranger heard dead would be a false verdict.
  if (draft.connections.has(update.nodeId)) return;
  addStranger(draft, update);
}

/** A member first heard of second-hand, down (dead or removed), in the state the news gives; passed on. */
function addStranger(draft: Draft, update: MemberUpdate): void {
  if (draft.members.size >= MEMBERS_MAX) return;
  const { nodeId, name, httpAddress, state, incarnation } = update;
  putMember(draft, { nodeId, name, httpAddress, state, incarnation, lastHeardAtMs: draft.nowMs, stateChangedAtMs: draft.nowMs, metadata: {} });
  enqueueBroadcast(draft.broadcasts, update);
}

/**
 * Removed news: kept even for a member this node never knew (within the table bound), so that the
 * removed node cannot introduce itself here later.
 */
function applyRemoved(draft: Draft, update: MemberUpdate, current: Member | undefined): void {
  if (current?.state === 'removed') return;
  if (current) return markDown(draft, current, update);
  addStranger(draft, update);
}

/** This node removes a member it believes down (the driver checked): gossiped from here on. */
export function removeMember(draft: Draft, nodeId: string): void {
  const member = draft.members.get(nodeId);
  if (!member || isUp(member) || member.state === 'removed' || nodeId === draft.selfId) return;
  markDown(draft, member, updateOf({ ...member, state: 'removed' }, draft.selfId));
}

/** A message arrived from `nodeId`: it is up and connected to us, whatever we thought. */
export function noteSender(draft: Draft, nodeId: string): void {
  noteConnected(draft, nodeId);
  heardFrom(draft, nodeId);
}
