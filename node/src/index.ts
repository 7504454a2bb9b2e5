// The node's one exported place for code outside node/ (the CLI, the dashboard, the process-level
// tests): the REST API's reply types and the limits and flag definitions a client needs, so no client
// redeclares them, and the seeded generator the chaos runs share with the in-memory network. Everything here is a type or comes from a leaf module: importing this file loads no
// layer of the daemon. Starting a daemon in-process goes through ./daemon.ts instead, loaded with a
// dynamic import() by the CLI commands that host one (see docs/design.md, "Layering").

export type {
  ClockView,
  ClusterHealthReply,
  ErrorReply,
  EventsReply,
  ExplainReply,
  KeyLocation,
  ListPageReply,
  MembersReply,
  MemberState,
  MemberView,
  RebalanceReply,
  RecordReply,
  RemovalReply,
  RingRangeView,
  RingView,
  StatsReply,
  TraceReply,
  WhatIfNodeFlow,
  WhatIfReply,
  WriteReply,
} from './api';
export type { LeaveStatus, RepairStatus, TraceStep, TracedTarget } from './replication';
export type { ChaosDelayedPeer, ChaosEvent, ChaosFaultKind, ChaosKillReply, ChaosPauseReply, ChaosPeer, ChaosState } from './chaos';
export type { DhtBootstrap } from './daemon';
export { BODY_ENVELOPE_BYTES_MAX, CLOCK_OFFSET_MS_MAX, LEAVE_MS_MAX, MAX_CLOCK_OFFSET_MS_DEFAULT, LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX, REPLICATION_FACTOR_DEFAULT, REPLICATION_FACTOR_MAX, SECRET_CHARS_MIN, SHUTDOWN_DRAIN_MS_MAX, SHUTDOWN_MS_MAX, VALUE_BYTES_MAX_CEILING } from './limits';
export { CHAOS_DELAY_MS_MAX, CHAOS_EVENTS_KEPT_MAX, CHAOS_PARTITION_MS_MAX, CHAOS_PARTITION_PEERS_MAX, CHAOS_PAUSE_MS_MAX, CHAOS_RESTART_AFTER_MS_MAX, CHAOS_RUN_CHARS_MAX, CHAOS_SKEW_MS_MAX } from './limits';
export { HTTP_CONNECTIONS_MAX, HTTP_HEADERS_TIMEOUT_MS, HTTP_PIPELINED_RESPONSES_MAX, HTTP_TIMEOUT_CHECK_INTERVAL_MS, JSON_DEPTH_MAX, TOKEN_CACHE_MS } from './limits';
export { errorStatus, type ErrorCode } from './errors';
export { ConfigError, configFields, CONSISTENCY_LEVELS, resolveNodeConfig, tlsFilesOf, type ConfigField, type NodeConfig } from './config';
export { RECENT_EVENTS_MAX, type LogDestination, type Logger, type LogLevel } from './log';
export { SeededRandom } from './seeded-random';
export { count, describeEvent, describeHold, EVENT_TOPIC_NAMES, EVENT_TOPICS, EventDescriber, fieldsText, formatDuration, isEventTopic, megabytes, signedSpan, span, topicOf, type EventTopic, type LogFields, type Sentence, type Tone } from './log-text';
