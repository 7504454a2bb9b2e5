// Which member to probe next. SWIM section 4.3: probing targets in a shuffled round-robin order, rather
// than uniformly at random, bounds the time until any member is probed by any given node to two passes
// over the list. New members go in at a random place in what remains of the current pass (memberlist).
// Members whose connection dropped jump the queue: the transport's hint makes the probe come sooner.

import type { Draft } from './draft';
import { isUp } from './member';
import { randomIndex, shuffled } from './random';

function probeable(draft: Draft, nodeId: string): boolean {
  const member = draft.members.get(nodeId);
  return nodeId !== draft.selfId && member !== undefined && isUp(member);
}

/** The next member to probe, or undefined when there is nobody else up. */
export function nextProbeTarget(draft: Draft): string | undefined {
  while (draft.urgentProbes.length > 0) {
    const urgent = draft.urgentProbes.shift()!;
    if (probeable(draft, urgent)) return urgent;
  }
  // Two passes at most: the rest of the current order, then one freshly shuffled.
  for (let pass = 0; pass < 2; pass++) {
    while (draft.probeCursor < draft.probeOrder.length) {
      const candidate = draft.probeOrder[draft.probeCursor]!;
      draft.probeCursor += 1;
      if (probeable(draft, candidate)) return candidate;
    }
    const everyone = [...draft.members.keys()].filter((nodeId) => probeable(draft, nodeId));
    draft.probeOrder = shuffled(draft.random, everyone);
    draft.probeCursor = 0;
  }
  return undefined;
}

export function insertIntoProbeOrder(draft: Draft, nodeId: string): void {
  if (draft.probeOrder.slice(draft.probeCursor).includes(nodeId)) return;
  const at = draft.probeCursor + randomIndex(draft.random, draft.probeOrder.length - draft.probeCursor + 1);
  draft.probeOrder.splice(at, 0, nodeId);
}

/** Probes `nodeId` next, ahead of the round-robin order. */
export function probeSoon(draft: Draft, nodeId: string): void {
  if (!draft.urgentProbes.includes(nodeId)) draft.urgentProbes.push(nodeId);
  if (draft.probe === undefined) draft.nextProbeAtMs = Math.min(draft.nextProbeAtMs, draft.nowMs);
}
