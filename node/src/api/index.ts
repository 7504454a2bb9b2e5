export { buildApp, type AppDeps } from './app';
export { HttpMetrics } from './http-metrics';
export type { ClusterView, KeyLocation, MemberState, MemberView, RingRangeView, RingView } from './cluster-view';
export type { ClusterHealthReply, ErrorReply, EventsReply, ExplainReply, ListPageReply, MembersReply, RecordReply, StatsReply, WriteReply } from './reply-types';
export { StandaloneClusterView } from './standalone-cluster-view';
export { KEY_COUNT_METADATA, LiveClusterView, RING_DIGEST_METADATA, type LiveMembership } from './live-cluster-view';
export { RepairStatusSchema } from './repair-docs';
export type { NotReadyReason, Readiness } from './probe-routes';
