// Everything that falls due with time, in one pass: suspicions that ran out, relays that owe a nack,
// the open probe's next stage, the next probe, the periodic table push, gossip of queued updates, and
// forgetting departed members.

import { declareDead } from './apply-update';
import { isLeaving, piggyback, reachablePeers, send, type Draft } from './draft';
import { PIGGYBACK_UPDATES_MAX } from './membership-limits';
import { advanceProbe, startProbeIfDue } from './probe-round';
import { sample } from './random';
import { expireRelays, pushTable } from './receive';
import { suspicionTimeoutMs } from './suspicion-timeout';
import type { MembershipState, Suspicion } from './membership-state';

export function suspicionDeadlineMs(state: Pick<MembershipState, 'config'>, suspicion: Suspicion): number {
  return suspicion.startedAtMs + suspicionTimeoutMs(state.config, suspicion.accusers.length - 1, suspicion.expected);
}

export function tick(draft: Draft): void {
  for (const [nodeId, suspicion] of draft.suspicions) {
    if (draft.nowMs >= suspicionDeadlineMs(draft, suspicion)) declareDead(draft, nodeId);
  }
  expireRelays(draft);
  advanceProbe(draft);
  startProbeIfDue(draft);
  if (draft.nowMs >= draft.nextPushAtMs) {
    draft.nextPushAtMs = draft.nowMs + draft.config.syncIntervalMs;
    // Any connected peer, dead ones included (memberlist gossips to the dead for a while, too): after a
    // partition heals over connections that never dropped, this is how each side hears it was declared
    // dead, and refutes.
    const candidates = [...draft.connections].filter((nodeId) => draft.members.get(nodeId)?.state !== 'left');
    const [peer] = sample(draft.random, candidates, 1);
    if (peer !== undefined && !isLeaving(draft)) pushTable(draft, peer, true);
  }
  gossipIfDue(draft);
  forgetDeparted(draft);
}

function gossipIfDue(draft: Draft): void {
  if (draft.broadcasts.size === 0 || draft.nowMs < draft.nextGossipAtMs) return;
  draft.nextGossipAtMs = draft.nowMs + draft.config.gossipIntervalMs;
  for (const peer of sample(draft.random, reachablePeers(draft), draft.config.gossipFanout)) {
    const updates = piggyback(draft, PIGGYBACK_UPDATES_MAX);
    if (updates.length > 0) send(draft, peer, { type: 'membershipGossip', updates });
  }
}

/**
 * Members that left are forgotten after the retention period. Dead ones are not: they keep their ring
 * ranges until removed. Removed ones are not either: remembering them is what keeps a removed node out.
 */
function forgetDeparted(draft: Draft): void {
  for (const member of draft.members.values()) {
    if (member.nodeId === draft.selfId || member.state !== 'left') continue;
    if (draft.nowMs - member.stateChangedAtMs < draft.config.departedRetentionMs) continue;
    draft.members.delete(member.nodeId);
    draft.broadcasts.delete(member.nodeId);
    draft.effects.push({ type: 'memberRemoved', nodeId: member.nodeId });
  }
}
