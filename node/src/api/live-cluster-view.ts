// The cluster as a clustered node sees it: the membership table, and the ring placement computes from
// it. Every node answers from its own view; views converge as gossip spreads (compare ring digests).

import type { MemberChangeCount, MemberSummary } from '../membership';
import type { RingPlacement } from '../replication';
import { keyPosition, RING_DIGEST_METADATA } from '../ring';
import type { ClockView, ClusterView, KeyLocation, MemberView, RingModel, RingView } from './cluster-view';

/** The metadata field in which each member gossips its live key count. */
export const KEY_COUNT_METADATA = 'keys';
/** The metadata field in which each member gossips the digest of the (current) ring it routes by. */
export { RING_DIGEST_METADATA };

export interface LiveMembership {
  members(): MemberSummary[];
  changeCounts(): MemberChangeCount[];
}

/** Clock offsets as this node measured them (clock-offset/): see MemberView.clockOffsetMs, and its verdict. */
export interface MemberClockOffsets {
  readonly self: ClockView;
  readonly peers: ReadonlyMap<string, number>;
}

/** How fast the members have lately answered this node's replica requests (replication/replica-latency.ts). */
export interface MemberAnswerTimes {
  averageMs(nodeId: string): number | undefined;
  slowAmong(nodeId: string, peers: readonly { readonly nodeId: string }[]): boolean;
}

/** Why a member is in its state, in words (log-text's memberStateReason, supplied by the composition root), members named by `nameOf`; null when its summary has no cause. */
export type MemberReason = (member: MemberSummary, nameOf: (nodeId: unknown) => string) => string | null;

export interface LiveClusterViewDeps {
  readonly membership: LiveMembership;
  readonly placement: RingPlacement;
  readonly ownKeyCount: () => number;
  readonly clockOffsets: () => MemberClockOffsets;
  readonly answerTimes: MemberAnswerTimes;
  readonly reasonOf: MemberReason;
}

/** Answer times are shown to a tenth of a millisecond. */
const tenths = (valueMs: number) => Math.round(valueMs * 10) / 10;

export class LiveClusterView implements ClusterView {
  readonly #membership: LiveMembership;
  readonly #placement: RingPlacement;
  readonly #ownKeyCount: () => number;
  readonly #clockOffsets: () => MemberClockOffsets;
  readonly #answerTimes: MemberAnswerTimes;
  readonly #reasonOf: MemberReason;

  constructor(deps: LiveClusterViewDeps) {
    this.#membership = deps.membership;
    this.#placement = deps.placement;
    this.#ownKeyCount = deps.ownKeyCount;
    this.#clockOffsets = deps.clockOffsets;
    this.#answerTimes = deps.answerTimes;
    this.#reasonOf = deps.reasonOf;
  }

  members(): MemberView[] {
    const clocks = this.#clockOffsets();
    const summaries = this.#membership.members();
    const names = new Map(summaries.map((member) => [member.nodeId, member.name]));
    const nameOf = (nodeId: unknown) => names.get(String(nodeId)) ?? String(nodeId);
    return summaries.map((member) => {
      const reported = member.metadata[KEY_COUNT_METADATA];
      const keyCount = member.self ? this.#ownKeyCount() : typeof reported === 'number' ? reported : null;
      const ring = member.self ? this.#placement.ring().digest : member.metadata[RING_DIGEST_METADATA];
      const { nodeId, name, httpAddress, state, stateAgeMs, incarnation, heartbeatAgeMs, self } = member;
      const clockOffsetMs = self ? clocks.self.offsetMs : (clocks.peers.get(nodeId) ?? null);
      const averageMs = self ? undefined : this.#answerTimes.averageMs(nodeId);
      const answerMs = averageMs === undefined ? null : tenths(averageMs);
      const askedLast = !self && this.#answerTimes.slowAmong(nodeId, summaries);
      const why = member.cause === null ? null : this.#reasonOf(member, nameOf);
      return { nodeId, name, httpAddress, state, stateAgeMs, why, incarnation, heartbeatAgeMs, keyCount, ringDigest: typeof ring === 'string' ? ring : null, clockOffsetMs, answerMs, askedLast, self };
    });
  }

  memberAddresses(): string[] {
    return this.#membership.members().map((member) => member.httpAddress);
  }

  memberChanges(): MemberChangeCount[] {
    return this.#membership.changeCounts();
  }

  clock(): ClockView {
    return this.#clockOffsets().self;
  }

  ring(): RingView {
    const { ring } = this.#placement.current();
    const n = this.#placement.effectiveReplicas();
    return {
      digest: ring.digest,
      replicationFactor: n,
      tokensPerNode: ring.tokensPerNode,
      members: ring.members.map((member) => member.nodeId),
      ranges: this.#placement.currentRanges().map(({ start, end, replicas }) => ({ start, end, replicas })),
      jointRings: this.#placement.jointRings().map((joint) => joint.digest),
    };
  }

  ringModel(): RingModel {
    return { ring: this.#placement.ring(), replicationFactor: this.#placement.replicationFactor };
  }

  locate(key: string): KeyLocation {
    const byId = new Map(this.#membership.members().map((member) => [member.nodeId, member]));
    const replicas = this.#placement.intendedReplicas(key).map((nodeId) => {
      const member = byId.get(nodeId);
      return { nodeId, name: member?.name ?? nodeId, httpAddress: member?.httpAddress ?? '', state: member?.state ?? ('dead' as const) };
    });
    const targets = this.#placement.targetsFor(key).map((target) => ({ nodeId: target.nodeId, standInFor: target.standInFor ?? null }));
    return { key, position: keyPosition(key), replicas, targets };
  }
}
