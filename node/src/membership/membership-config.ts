// Failure-detection timings, after hashicorp/memberlist's config.go: every field says what raising or
// lowering it trades, and three profiles cover a quiet loopback, a LAN (the default) and a WAN.
// validateMembershipConfig runs at start-up, so a bad combination fails at once and not in production.

import { ConfigError, type MembershipProfile } from '../config';
import { INDIRECT_PROBES_MAX } from './membership-limits';

export interface MembershipConfig {
  /**
   * One member is probed per interval. Shorter finds failures sooner but costs more messages (one
   * ping and one ack per member per interval) and CPU. Scaled up while this node is unhealthy.
   */
  readonly probeIntervalMs: number;
  /**
   * How long a direct ping waits for its ack before asking others to probe indirectly. The direct ack
   * is still accepted until the interval ends. Network round trips are sub-millisecond on a LAN, so
   * almost all of this is headroom for a peer's event-loop stall or garbage collection; too short only
   * costs extra ping-reqs, too long delays the indirect probes that tell a dead node from a slow link.
   */
  readonly probeTimeoutMs: number;
  /**
   * Members asked (ping-req) to probe a target the direct ping failed to reach. More guards better
   * against one bad link between two nodes, at K extra messages per failed probe.
   */
  readonly indirectProbeCount: number;
  /**
   * A suspected member has this long, once enough others confirm the suspicion, to refute it before it
   * is declared dead. Lower detects crashes sooner; higher gives a stalled-but-alive node longer to hear
   * of the suspicion and answer with a higher incarnation.
   */
  readonly suspicionTimeoutMinMs: number;
  /**
   * The suspicion timeout when nobody else confirms (Lifeguard): a lone accuser, which may itself be the
   * slow one, waits this long. It shrinks towards the minimum as independent confirmations arrive.
   */
  readonly suspicionTimeoutMaxMs: number;
  /**
   * Confirmations after which the suspicion timeout reaches its minimum. Clusters with fewer than this
   * many other members to confirm use the minimum at once. Higher makes dead verdicts need more witnesses.
   */
  readonly suspicionConfirmationsExpected: number;
  /**
   * Each update is piggybacked `multiplier * ceil(log10(members + 1))` times (memberlist's lambda).
   * Higher spreads news more surely under message loss, at more bytes on every ping and ack.
   */
  readonly gossipRetransmitMultiplier: number;
  /**
   * While updates are queued, they are also pushed to `gossipFanout` random members this often, on top
   * of riding on pings and acks (memberlist's gossip). Piggybacking alone moves news one hop per probe
   * interval and, under message loss, can run out of retransmits before a refutation reaches everyone.
   * Lower spreads news faster; each update still goes out at most its retransmit limit in all.
   */
  readonly gossipIntervalMs: number;
  /** Members each gossip tick pushes to. Higher spreads faster per tick, at more messages per tick. */
  readonly gossipFanout: number;
  /**
   * A full member table is pushed to one random member this often (anti-entropy, memberlist's push/pull),
   * repairing whatever piggybacking missed: lost messages, a healed partition. Lower heals faster and
   * costs a table's worth of bytes per interval.
   */
  readonly syncIntervalMs: number;
  /**
   * Lifeguard's local health multiplier: when this node misses acks and nacks it is probably the slow
   * one, and stretches its probe interval and timeout by up to this factor instead of accusing healthy
   * peers. 1 disables it; higher is kinder to an overloaded node and slower to detect from it.
   */
  readonly localHealthMax: number;
  /** Dead and departed members are forgotten after this long, shrinking the table and the ring. */
  readonly departedRetentionMs: number;
}

const LAN: MembershipConfig = {
  probeIntervalMs: 500,
  probeTimeoutMs: 350,
  indirectProbeCount: 3,
  suspicionTimeoutMinMs: 1500,
  suspicionTimeoutMaxMs: 3000,
  suspicionConfirmationsExpected: 3,
  gossipRetransmitMultiplier: 4,
  gossipIntervalMs: 200,
  gossipFanout: 3,
  syncIntervalMs: 10_000,
  localHealthMax: 4,
  departedRetentionMs: 60 * 60 * 1000,
};

/**
 * `lan` is the default: a killed node is dead on every other node within 5 s, and a node stalling a few
 * hundred milliseconds is at worst suspected and refutes. `local` (one machine, tests) halves the timings;
 * `wan` stretches them for lossy, high-latency links and gives up the 5 s bound.
 */
export const membershipProfiles: Readonly<Record<MembershipProfile, MembershipConfig>> = {
  local: { ...LAN, probeIntervalMs: 250, gossipIntervalMs: 100, probeTimeoutMs: 175, suspicionTimeoutMinMs: 1000, suspicionTimeoutMaxMs: 2000, syncIntervalMs: 5000 },
  lan: LAN,
  wan: {
    ...LAN,
    probeIntervalMs: 1500,
    probeTimeoutMs: 1000,
    suspicionTimeoutMinMs: 6000,
    suspicionTimeoutMaxMs: 15_000,
    gossipRetransmitMultiplier: 5,
    gossipIntervalMs: 500,
    syncIntervalMs: 30_000,
    localHealthMax: 8,
  },
};

const POSITIVE_FIELDS: readonly (keyof MembershipConfig)[] = [
  'probeIntervalMs',
  'probeTimeoutMs',
  'indirectProbeCount',
  'suspicionTimeoutMinMs',
  'suspicionTimeoutMaxMs',
  'suspicionConfirmationsExpected',
  'gossipRetransmitMultiplier',
  'gossipIntervalMs',
  'gossipFanout',
  'syncIntervalMs',
  'localHealthMax',
  'departedRetentionMs',
];

/** Throws ConfigError naming the first broken field or relationship; returns the config otherwise. */
export function validateMembershipConfig(config: MembershipConfig): MembershipConfig {
  for (const field of POSITIVE_FIELDS) {
    const value = config[field];
    if (!Number.isSafeInteger(value) || value < 1) throw new ConfigError(`membership ${field} must be a positive integer, got ${value}`);
  }
  const rules: [boolean, string][] = [
    [config.probeTimeoutMs < config.probeIntervalMs, 'probeTimeoutMs must be shorter than probeIntervalMs, leaving time for indirect probes'],
    [
      config.suspicionTimeoutMinMs >= 2 * config.probeIntervalMs,
      'suspicionTimeoutMinMs must be at least two probe intervals: one for the suspicion to reach the member, one for its refutation to return',
    ],
    [config.suspicionTimeoutMaxMs >= config.suspicionTimeoutMinMs, 'suspicionTimeoutMaxMs must not be shorter than suspicionTimeoutMinMs'],
    [config.indirectProbeCount <= INDIRECT_PROBES_MAX, `indirectProbeCount must be at most ${INDIRECT_PROBES_MAX}`],
    [config.gossipRetransmitMultiplier <= 16, 'gossipRetransmitMultiplier must be at most 16'],
    [config.gossipIntervalMs <= config.probeIntervalMs, 'gossipIntervalMs must not be longer than probeIntervalMs'],
    [config.gossipFanout <= INDIRECT_PROBES_MAX, `gossipFanout must be at most ${INDIRECT_PROBES_MAX}`],
    [config.localHealthMax <= 16, 'localHealthMax must be at most 16'],
    [config.syncIntervalMs >= config.probeIntervalMs, 'syncIntervalMs must not be shorter than probeIntervalMs'],
    [config.departedRetentionMs >= config.suspicionTimeoutMaxMs, 'departedRetentionMs must not be shorter than suspicionTimeoutMaxMs'],
  ];
  for (const [holds, message] of rules) if (!holds) throw new ConfigError(`membership config: ${message}`);
  return config;
}
