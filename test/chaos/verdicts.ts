// False dead verdicts: a node's log says `membership.member_changed {member, state: "dead"}` about a
// member that was neither killed, paused nor restarted, nor cut off from that observer, at that time.
//
// "At that time" is widened by a grace after each fault ends: a suspicion raised during the fault may
// still time out into a dead verdict just after the heal. A verdict about a node cut off from some other
// node (not the observer) is counted apart as propagated: SWIM gossips dead verdicts, so the observer
// may have learned it from a node that really could not reach the member.

import { covers, type FaultInterval } from './timeline';

/** Longer than the lan profile's suspicion timeout plus gossip: a verdict this soon after a heal may still be the fault's. */
export const VERDICT_GRACE_MS = 15_000;

export interface DeadVerdict {
  readonly observer: string;
  /** The member's name (the checker maps node ids to names). */
  readonly member: string;
  readonly atMs: number;
}

export interface VerdictFindings {
  readonly verdicts: number;
  readonly justified: number;
  readonly propagated: DeadVerdict[];
  readonly falseVerdicts: DeadVerdict[];
}

function separates(interval: FaultInterval, a: string, b: string): boolean {
  return interval.cutLinks.some(([from, to]) => (from === a && to === b) || (from === b && to === a));
}

function touches(interval: FaultInterval, member: string): boolean {
  return interval.downNodes.includes(member) || interval.cutLinks.some(([from, to]) => from === member || to === member);
}

export function judgeVerdicts(verdicts: readonly DeadVerdict[], intervals: readonly FaultInterval[], graceMs = VERDICT_GRACE_MS): VerdictFindings {
  const propagated: DeadVerdict[] = [];
  const falseVerdicts: DeadVerdict[] = [];
  let justified = 0;
  for (const verdict of verdicts) {
    const during = intervals.filter((interval) => covers(interval, verdict.atMs, graceMs));
    // The observer itself stopped or restarted: on resuming it may judge everyone by stale timers.
    const direct = during.some((interval) => interval.downNodes.includes(verdict.member) || interval.downNodes.includes(verdict.observer) || separates(interval, verdict.observer, verdict.member));
    if (direct) justified++;
    else if (during.some((interval) => touches(interval, verdict.member))) propagated.push(verdict);
    else falseVerdicts.push(verdict);
  }
  return { verdicts: verdicts.length, justified, propagated, falseVerdicts };
}

/** Dead verdicts from member_changed log lines, member ids mapped to names. */
export function deadVerdictsOf(lines: readonly { observer: string; event: Record<string, unknown>; atMs: number }[], nameOf: (nodeId: string) => string): DeadVerdict[] {
  return lines
    .filter(({ event }) => event.event === 'membership.member_changed' && event.state === 'dead')
    .map(({ observer, event, atMs }) => ({ observer, member: nameOf(String(event.member)), atMs }));
}
