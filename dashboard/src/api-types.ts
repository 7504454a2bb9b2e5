// The shapes the dashboard reads: the daemon's own reply types from node/src/index.ts (type-only
// imports, erased at build time: the dashboard talks to nodes over HTTP only).
export type {
  ClockView,
  ClusterHealthReply as ClusterHealthView,
  KeyLocation,
  ListPageReply as KeyPage,
  MemberState,
  MemberView,
  RecordReply as StoredValue,
  RepairStatus as RepairStatusView,
  RingRangeView,
  RingView,
  TraceReply,
  TraceStep,
} from '../../node/src';

export interface NodeHealthView {
  readonly status: string;
  readonly nodeId: string;
  readonly name: string;
  readonly uptimeSeconds: number;
  readonly storage: { engine: string; liveKeys: number; tombstones: number; bytes: number };
}

export type { ExplainReply as ExplainView, EventsReply as EventsPage, StatsReply as StatsView } from '../../node/src';
import type { EventsReply, ExplainReply } from '../../node/src';
export type ExplainReplica = ExplainReply['replicas'][number];
export type ClusterEvent = EventsReply['events'][number];
export type { RebalanceReply as RebalanceView, WhatIfNodeFlow, WhatIfReply as WhatIfView } from '../../node/src';
import type { RebalanceReply } from '../../node/src';
export type TransferView = RebalanceReply['inProgress'][number];
