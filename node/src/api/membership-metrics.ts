// Failure detection as an operator graphs and alerts on it: the members this node sees in each state,
// and every change it has seen since start by the state it went to and why (SWIM's steps: a probe
// that failed, a suspicion that ran out, a verdict heard by gossip, a refutation). A member suspected
// and then alive again, over and over, is a flapping link or an overloaded node; deaths by `gossip`
// with none by `timeout` mean another node decides, not this one. Read from membership at scrape time.

import type { MemberChangeCount, MemberState } from '../membership';
import type { HttpMetrics } from './http-metrics';

export interface MembershipReadings {
  /** Every known member's state, this node included. */
  states(): readonly MemberState[];
  changeCounts(): readonly MemberChangeCount[];
}

const STATES: readonly MemberState[] = ['alive', 'suspect', 'dead', 'left', 'removed'];

export async function registerMembershipMetrics(metrics: HttpMetrics, read: MembershipReadings): Promise<void> {
  await metrics.load();
  const { Counter, Gauge } = await import('prom-client');
  new Gauge({
    name: 'swarmkv_membership_members',
    help: 'Members this node knows of (itself included), by the state it holds each in.',
    labelNames: ['state'],
    registers: [metrics.registry],
    collect() {
      const states = read.states();
      // Every state, zeros included, so a graph of dead members drops to 0 rather than vanishing.
      for (const state of STATES) this.set({ state }, states.filter((seen) => seen === state).length);
    },
  });
  new Counter({
    name: 'swarmkv_membership_changes_total',
    help: 'Member changes this node has seen since start, by the state a member went to and why: probe (its own probe failed), timeout (its suspicion ran out), gossip (another said so), refutation (a suspicion of this node, refuted), none (a join, a return, a leave).',
    labelNames: ['state', 'by'],
    registers: [metrics.registry],
    collect() {
      this.reset();
      for (const { state, by, count } of read.changeCounts()) this.inc({ state, by }, count);
    },
  });
}
