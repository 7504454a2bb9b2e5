// The shapes of the REST API's replies, for clients (the CLI, the dashboard) to import as types: the
// data routes' shapes come from the OpenAPI schemas they are documented with, so a client's idea of a
// reply cannot drift from the document; the cluster routes answer with the views of cluster-view.ts.

import type { Static } from '@sinclair/typebox';
import type { HintHealth, RepairStatus } from '../replication';
import type { MemberChangeCount } from '../membership';
import type { ClockView, MemberView } from './cluster-view';
import type { EventsSchema, ExplanationSchema } from './cluster-docs';
import type { schemas } from './openapi-schemas';
import type { RebalanceSchema } from './rebalance-docs';

/** PUT /kv/{key}, POST /kv: 200 or 201. */
export type WriteReply = Static<typeof schemas.WriteResult>;
/** GET /kv/{key}: 200. */
export type RecordReply = Static<typeof schemas.Record>;
/** GET /kv: 200, one page in key order. */
export type ListPageReply = Static<typeof schemas.ListPage>;
/** Every 4xx and 5xx: `{error, message}` and sometimes more fields (`key`, `needed`, `reached` ...). */
export type ErrorReply = Static<typeof schemas.Error>;
/** GET /cluster/members: 200. */
export interface MembersReply {
  readonly members: MemberView[];
  /** This node's clock against its cluster's and the write bound's verdict; null on a standalone node. */
  readonly clock: ClockView | null;
}
/** GET /cluster/health: 200, this node's background work for the cluster. */
export interface ClusterHealthReply {
  readonly nodeId: string;
  readonly hints: HintHealth;
  readonly repair: RepairStatus;
  /** The failure detector's record: every member change this node has seen since start, by state and cause. */
  readonly membership: { readonly changes: readonly MemberChangeCount[] };
}
/** GET /cluster/explain/{key}: 200, each replica's version right now, hints pending, agreement. */
export type ExplainReply = Static<typeof ExplanationSchema>;
/** GET /cluster/events: 200, this node's recent log events after `after`. */
export type EventsReply = Static<typeof EventsSchema>;
/** GET /cluster/rebalance: 200, the range transfers into this node. */
export type RebalanceReply = Static<typeof RebalanceSchema>;
/** GET /stats: 200, request count, rate and latency percentiles over the sliding window. */
export type StatsReply = Static<typeof schemas.Stats>;
