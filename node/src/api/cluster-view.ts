// What the cluster routes show: membership, the ring and where a key lives. The composition root
// supplies an implementation from the membership and ring layers; a standalone node is a cluster of one.
// These are the shapes the CLI and the dashboard read.

import type { MemberChangeCount } from '../membership';
import type { HashRing } from '../ring';

export type MemberState = 'alive' | 'suspect' | 'dead' | 'left' | 'removed';

export interface MemberView {
  readonly nodeId: string;
  readonly name: string;
  /** host:port where the member serves HTTP. */
  readonly httpAddress: string;
  readonly state: MemberState;
  /** Milliseconds since this node saw the member's state (or incarnation) last change. */
  readonly stateAgeMs: number;
  /**
   * Why the member is in its state, in words, when this node knows: the failed probe that made it
   * suspect (and whom this node asked to ping it), the suspicion that ran out, the member whose gossip
   * said so, or the suspicion this node refuted. Null for states that explain themselves (a join, a leave).
   */
  readonly why: string | null;
  readonly incarnation: number;
  /** Milliseconds since this node last heard from the member (0 for itself). */
  readonly heartbeatAgeMs: number;
  /** Live keys in the member's store, as it last reported; null when not known. */
  readonly keyCount: number | null;
  /** Digest of the ring the member routes by, as it last reported; equal everywhere once converged. */
  readonly ringDigest: string | null;
  /**
   * How far the member's wall clock is ahead of this node's (negative: behind), in ms, from this node's
   * last reading of it; for this node itself, how far its clock is from the median of its cluster's.
   * Null when not measured (a standalone node, a member not read yet or not for ten minutes).
   */
  readonly clockOffsetMs: number | null;
  /**
   * How long the member has lately taken to answer this node's replica reads and writes: a moving
   * average, in ms (replication/replica-latency.ts). Null for this node itself, and when it has not
   * answered one in the last 10 s.
   */
  readonly answerMs: number | null;
  /** Whether this node's reads ask it after the other replicas of a key: it answers clearly slower than another member. */
  readonly askedLast: boolean;
  readonly self: boolean;
}

export interface RingRangeView {
  /** Hash positions, hex: the range is (start, end], wrapping past the top. */
  readonly start: string;
  readonly end: string;
  /** Node ids holding keys in this range, in preference order. */
  readonly replicas: string[];
}

export interface RingView {
  /** Digest of the member set the ring was built from: equal digests mean equal rings. */
  readonly digest: string;
  readonly replicationFactor: number;
  readonly tokensPerNode: number;
  readonly members: string[];
  readonly ranges: RingRangeView[];
  /**
   * Digests of the other rings a write must also meet a quorum in while the ring changes (a joiner's
   * join ring, the ring without leaving members, the previous ring in its grace); empty when stable.
   */
  readonly jointRings: string[];
}

export interface KeyLocation {
  readonly key: string;
  /** The key's position on the ring, hex. */
  readonly position: string;
  /** The intended replicas, in preference order, with their state. */
  readonly replicas: { nodeId: string; name: string; httpAddress: string; state: MemberState }[];
  /** Where writes go now: the intended replicas that are up, plus stand-ins for those that are not. */
  readonly targets: { nodeId: string; standInFor: string | null }[];
}

/** The ring a clustered node routes by, for predictions of changes to it (api/what-if.ts). */
export interface RingModel {
  readonly ring: HashRing;
  /** The configured replication factor, before capping by the ring's size. */
  readonly replicationFactor: number;
}

/** This node's clock against its cluster's, and whether it may coordinate writes (clock-offset/). */
export interface ClockView {
  /** How far this node's clock is from the median of its cluster's (see MemberView.clockOffsetMs); null until measured. */
  readonly offsetMs: number | null;
  /** --max-clock-offset-ms; 0: no bound. */
  readonly maxOffsetMs: number;
  /** False while the node is further than the bound from most of its peers' clocks and refuses writes. */
  readonly synchronized: boolean;
}

export interface ClusterView {
  members(): MemberView[];
  /** Every member's host:port (this node's included): what origin and host checks compare with, without building the views. */
  memberAddresses(): string[];
  /** Null on a standalone node: it has no peers to measure. */
  clock(): ClockView | null;
  ring(): RingView;
  locate(key: string): KeyLocation;
  /** Undefined on a standalone node: it has no ring to change. */
  ringModel(): RingModel | undefined;
  /** The member changes this node has seen since start, by state and cause (the failure detector's record); none on a standalone node. */
  memberChanges(): MemberChangeCount[];
}
