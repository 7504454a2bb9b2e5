export { ANY_VERSION, Coordinator, type Coordinated, type CoordinatorDeps, type ListRequest } from './coordinator';
export type { ListPage, ListedKey } from './listing';
export { LocalReplica } from './local-replica';
export { RequestTrace, TRACE_STEPS_MAX, type TraceReport, type TraceStep, type TracedTarget } from './request-trace';
export { newerWins, newestRecord } from './merge';
export { currentTargets, placementThrough, SingleNodePlacement, standInWrites, type ListingPlan, type Placement, type ReplicaDirectory, type ReplicaTarget } from './placement';
export { CONSISTENCY_LEVELS, isConsistency, requiredAcks } from './quorum';
export type { BatchReplica, BatchReplicaDirectory, Replica, ReplicaWriteAck, ReplicaWriteOptions } from './replica';
export { RemoteBatchReplica, serveReplicaBatches } from './replica-batch';
export { HintLedger, type HintHealth, type HintLedgerOptions } from './hint-ledger';
export { HintedHandoff, type HandoffReachability, type HintedHandoffOptions } from './hinted-handoff';
export { ClusterDirectory, type PeerLiveness } from './cluster-directory';
export { RemoteReplica, VALUE_NOT_SHIPPED, type PeerConnections, type ReplicaRequester } from './remote-replica';
export { serveReplicaRequests, type ReplicaRequestRouter } from './replica-server';
export { RingPlacement, type PlacementMembership } from './ring-placement';
export {
  recordFromWire,
  recordOnWire,
  replicaRead,
  replicaRecord,
  replicaScan,
  replicaScanPage,
  replicaWrite,
  replicaWriteAck,
  type ReplicaReadMessage,
  type ReplicaRecordMessage,
  type ReplicaScanMessage,
  type ReplicaScanPageMessage,
  type ReplicaWriteAckMessage,
  type ReplicaWriteMessage,
  type WireRecord,
} from './replica-messages';
export { AntiEntropyService, ANTI_ENTROPY_BACKOFF_FACTOR_MAX, ANTI_ENTROPY_RANGES_IN_FLIGHT_MAX, type AntiEntropyDeps } from './anti-entropy-service';
export { serveAntiEntropyRequests } from './anti-entropy-server';
export { DigestIndex, type DigestSource, type IndexedVersion, type IntervalDigest } from './digest-index';
export { leafHasher } from './digest-leaves';
export { StoredDigestIndex, type DigestBuild } from './stored-digest-index';
export { DigestTrackingStore, indexStore } from './digest-tracking-store';
export { compareRange, type ComparisonDeps, type ComparisonOutcome } from './range-comparison';
export { idleRepairStatus, StandaloneRepair, type CompletedRepair, type RepairControl, type RepairStatus } from './repair-status';
export { TombstoneCollector, type TombstoneCollectorOptions } from './tombstone-collector';
export { AliveMarker, discardIfStale, ALIVE_MARK_META, type StaleDataOptions } from './stale-data';
export { DepartureGate, type ChangedKeys } from './departure-gate';
export { DepartureHandover, type HandoverDeps, type HandoverOutcome } from './departure-handover';
export { inspectLocally, KeyInspector, serveKeyInspections, type InspectedHint, type InspectedRecord, type KeyInspection, type KeyInspectorDeps } from './key-inspector';
export { Semaphore } from './semaphore';
export { LeaveProcedure, type LeaveDeps, type LeaveLimits, type LeavePhase, type LeaveStatus } from './leave-procedure';
export { CleanupService, type CleanupDeps } from './cleanup-service';
export { initialOwnership, RING_OWNERSHIP_META, SelfOwnership, type InitialOwnership, type OwnershipStore } from './self-ownership';
export { RebalanceEngine, REBALANCE_BYTES_PER_SECOND_MAX, REBALANCE_TRANSFERS_IN_FLIGHT_MAX, type RebalanceEngineDeps } from './rebalance-engine';
export type { RebalanceStatus, TransferState, TransferView } from './rebalance-status';
export { RingJoin, JOIN_FOUNDING_QUIET_MS, type JoinMember, type RingJoinDeps } from './ring-join';
export { serveRangeTransfers, RANGE_TRANSFER_BATCH_BYTES_MAX } from './range-transfer-server';
export { planJoinTransfers, type PlannedTransfer } from './transfer-plan';
