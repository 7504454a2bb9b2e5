// The shapes the dashboard reads, as the routes answer them (README, the OpenAPI document at
// /swagger/json). Written out here rather than imported from node/src/index.ts: the dashboard is
// type-checked with the browser's DOM library, under which parts of the daemon do not compile, and it
// talks to nodes over HTTP only. e2e/ checks these shapes against real answers from real nodes.

export type MemberState = 'alive' | 'suspect' | 'dead' | 'left';

export interface MemberView {
  readonly nodeId: string;
  readonly name: string;
  readonly httpAddress: string;
  readonly state: MemberState;
  readonly incarnation: number;
  readonly heartbeatAgeMs: number;
  readonly keyCount: number | null;
  readonly ringDigest: string | null;
  readonly self: boolean;
}

export interface RingRangeView {
  /** Hash positions, hex: the range is (start, end], wrapping past the top. */
  readonly start: string;
  readonly end: string;
  readonly replicas: string[];
}

export interface RingView {
  readonly digest: string;
  readonly replicationFactor: number;
  readonly tokensPerNode: number;
  readonly members: string[];
  readonly ranges: RingRangeView[];
}

export interface RepairStatusView {
  readonly running: boolean;
  readonly rangesDone: number;
  readonly rangesTotal: number;
  readonly keysRepaired: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly startedAt: string | null;
  readonly lastCompleted: { readonly finishedAt: string; readonly durationMs: number; readonly keysRepaired: number; readonly bytesExchanged: number } | null;
}

export interface ClusterHealthView {
  readonly nodeId: string;
  readonly hints: { pending: number; bytes: number; byTarget: { nodeId: string; count: number }[]; overflowed: number; delivered: number };
  readonly repair: RepairStatusView;
}

export interface KeyPage {
  readonly items: { key: string; version: string; updatedAt: string }[];
  readonly next: string | null;
}

export interface StoredValue {
  readonly key: string;
  readonly value: unknown;
  readonly version: string;
  readonly updatedAt: string;
}

export interface NodeHealthView {
  readonly status: string;
  readonly nodeId: string;
  readonly name: string;
  readonly uptimeSeconds: number;
  readonly storage: { engine: string; liveKeys: number; tombstones: number; bytes: number };
}

export interface ExplainReplica {
  readonly nodeId: string;
  readonly name: string;
  readonly httpAddress: string;
  readonly role: 'home' | 'stand-in';
  readonly state: string;
  readonly reachable: boolean;
  readonly version: string | null;
  readonly updatedAt: string | null;
  readonly deleted: boolean;
}

export interface ExplainView {
  readonly key: string;
  readonly position: string;
  readonly ringDigest: string;
  readonly replicas: ExplainReplica[];
  readonly hints: { holderNodeId: string; targetNodeId: string; count: number }[];
  readonly agree: boolean;
  readonly newestVersion: string | null;
}

export interface ClusterEvent {
  readonly seq: number;
  readonly time: string;
  readonly event: string;
  readonly level: string;
  readonly fields: Record<string, unknown>;
}

export interface EventsPage {
  readonly nodeId: string;
  readonly events: ClusterEvent[];
  readonly next: number;
}

export interface StatsView {
  readonly nodeId: string;
  readonly time: string;
  readonly requestsTotal: number;
  readonly requestsPerSecond: number;
  readonly latencyMs: { p50: number; p99: number };
}
