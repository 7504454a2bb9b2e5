// The shapes the dashboard reads. Existing routes share the daemon's own types (type-only imports,
// erased at build time: the dashboard talks to nodes over HTTP only); the routes added for the
// dashboard are written out here as the brief's contract states them.
export type {
  ClusterHealthReply as ClusterHealthView,
  KeyLocation,
  ListPageReply as KeyPage,
  MemberState,
  MemberView,
  RecordReply as StoredValue,
  RepairStatus as RepairStatusView,
  RingRangeView,
  RingView,
} from '../../node/src';

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
