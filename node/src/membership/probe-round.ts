// One SWIM protocol period (Das et al. 2002, section 3.1): ping one member; if no ack comes within the
// probe timeout, ask K others to ping it for us (ping-req); if no ack, direct or relayed, has come when
// the period ends, suspect it. Two Lifeguard additions (Dadgar et al. 2018, section 4.1): the members
// asked to relay answer with a nack when the target stays silent, and a node that misses those nacks
// (or acks) concludes that it is the slow one and stretches its own timings by its local health score.
// Deviation: a target with no open connection is not pinged directly; the ping-reqs go out at once.

import { suspect } from './apply-update';
import { badNewsFor, isLeaving, nextSequence, piggyback, reachablePeers, selfMember, send, type Draft } from './draft';
import { PIGGYBACK_UPDATES_MAX } from './membership-limits';
import { nextProbeTarget } from './probe-order';
import { sample } from './random';

/** A timing stretched by the local health score: an overloaded node probes slower and waits longer. */
export function healthScaled(draft: Draft, ms: number): number {
  return ms * (draft.localHealth + 1);
}

function adjustLocalHealth(draft: Draft, delta: number): void {
  draft.localHealth = Math.min(Math.max(draft.localHealth + delta, 0), draft.config.localHealthMax - 1);
}

/** Starts the next protocol period if it is due and no probe is still open. */
export function startProbeIfDue(draft: Draft): void {
  if (isLeaving(draft) || draft.probe !== undefined || draft.nowMs < draft.nextProbeAtMs) return;
  const intervalMs = healthScaled(draft, draft.config.probeIntervalMs);
  draft.nextProbeAtMs = draft.nowMs + intervalMs;
  const target = nextProbeTarget(draft);
  if (target === undefined) return;
  const sequence = nextSequence(draft);
  const direct = draft.connections.has(target);
  if (direct) {
    const updates = piggyback(draft, PIGGYBACK_UPDATES_MAX, badNewsFor(draft, target));
    send(draft, target, { type: 'membershipPing', sequence, updates, metadata: selfMember(draft).metadata });
  }
  draft.probe = {
    target,
    sequence,
    startedAtMs: draft.nowMs,
    indirectAtMs: direct ? draft.nowMs + healthScaled(draft, draft.config.probeTimeoutMs) : draft.nowMs,
    endsAtMs: draft.nowMs + intervalMs,
    indirectSent: false,
    helpers: [],
    expectedNacks: 0,
    nacks: 0,
  };
  if (!direct) sendIndirectProbes(draft);
}

/** Moves the open probe along: ping-reqs once the direct ping timed out, a verdict once the period ended. */
export function advanceProbe(draft: Draft): void {
  const probe = draft.probe;
  if (!probe) return;
  if (!probe.indirectSent && draft.nowMs >= probe.indirectAtMs) sendIndirectProbes(draft);
  if (draft.nowMs >= probe.endsAtMs) probeFailed(draft);
}

function sendIndirectProbes(draft: Draft): void {
  const probe = draft.probe!;
  const helpers = sample(draft.random, reachablePeers(draft, [probe.target]), draft.config.indirectProbeCount);
  for (const helper of helpers) {
    const updates = piggyback(draft, PIGGYBACK_UPDATES_MAX);
    send(draft, helper, { type: 'membershipPingReq', sequence: probe.sequence, target: probe.target, updates });
  }
  draft.probe = { ...probe, indirectSent: true, helpers, expectedNacks: helpers.length };
}

function probeFailed(draft: Draft): void {
  const probe = draft.probe!;
  draft.probe = undefined;
  // Helpers that answered with a nack are up and could not reach the target either: evidence against
  // the target, not against us. Missing nacks (or having nobody to ask) point at our own slowness.
  adjustLocalHealth(draft, probe.expectedNacks > 0 ? probe.expectedNacks - Math.min(probe.nacks, probe.expectedNacks) : 1);
  suspect(draft, probe.target, { by: 'probe', helpers: probe.helpers, nacks: probe.nacks });
}

/** An ack for `sequence` arrived (from the target, or relayed); true when it answered the open probe. */
export function probeAcked(draft: Draft, sequence: number): boolean {
  const probe = draft.probe;
  if (!probe || probe.sequence !== sequence) return false;
  draft.probe = undefined;
  adjustLocalHealth(draft, -1);
  const target = draft.members.get(probe.target);
  if (target) draft.members.set(probe.target, { ...target, lastHeardAtMs: draft.nowMs });
  return true;
}

export function probeNacked(draft: Draft, sequence: number): void {
  const probe = draft.probe;
  if (probe && probe.sequence === sequence) draft.probe = { ...probe, nacks: probe.nacks + 1 };
}
