export { Coordinator, type Coordinated, type CoordinatorDeps, type ListRequest } from './coordinator';
export type { ListPage, ListedKey } from './listing';
export { LocalReplica } from './local-replica';
export { newerWins, newestRecord } from './merge';
export { SingleNodePlacement, type Placement, type ReplicaDirectory, type ReplicaTarget } from './placement';
export { CONSISTENCY_LEVELS, isConsistency, requiredAcks } from './quorum';
export type { Replica, ReplicaWriteAck } from './replica';
export { ClusterDirectory, type ConnectedPeers } from './cluster-directory';
export { RemoteReplica, VALUE_NOT_SHIPPED, type ReplicaRequester } from './remote-replica';
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
