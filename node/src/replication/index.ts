export { Coordinator, type Coordinated, type CoordinatorDeps, type ListRequest } from './coordinator';
export type { ListPage, ListedKey } from './listing';
export { LocalReplica } from './local-replica';
export { newerWins, newestRecord } from './merge';
export { SingleNodePlacement, type Placement, type ReplicaDirectory, type ReplicaTarget } from './placement';
export { CONSISTENCY_LEVELS, isConsistency, requiredAcks } from './quorum';
export type { Replica, ReplicaWriteAck } from './replica';
