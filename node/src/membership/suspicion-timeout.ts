// Lifeguard's dynamic suspicion timeout (Dadgar et al., "Lifeguard: Local Health Awareness for More
// Accurate Failure Detection", 2018, section 4.2), as hashicorp/memberlist's suspicion.go computes it.
// A suspicion starts at the maximum timeout and shrinks logarithmically towards the minimum as other
// members independently confirm it: a lone accuser (perhaps itself the slow one) waits longest, while a
// failure everyone sees is declared quickly.

import type { MembershipConfig } from './membership-config';

/**
 * Confirmations a suspicion should expect: the configured number, or none when the cluster has too few
 * other members to provide that many (the member count excludes this node and the suspect).
 */
export function expectedConfirmations(config: MembershipConfig, upMembers: number): number {
  return upMembers - 2 < config.suspicionConfirmationsExpected ? 0 : config.suspicionConfirmationsExpected;
}

/** Milliseconds from the start of a suspicion to the dead verdict, given confirmations beyond the first. */
export function suspicionTimeoutMs(config: MembershipConfig, confirmations: number, expected: number): number {
  const { suspicionTimeoutMinMs: minimumMs, suspicionTimeoutMaxMs: maximumMs } = config;
  if (expected < 1) return minimumMs;
  const fraction = Math.log(Math.min(confirmations, expected) + 1) / Math.log(expected + 1);
  return Math.max(minimumMs, Math.floor(maximumMs - fraction * (maximumMs - minimumMs)));
}
