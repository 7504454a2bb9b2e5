export { HashRing, type ReplicaTarget, type RingMember, type RingRange } from './hash-ring';
export { ringDigest, RING_DIGEST_HEX_DIGITS } from './ring-digest';
export { keyPosition, keyPositionUncached, tokenPosition, RING_POSITION_HEX_DIGITS, RING_POSITION_MAX, RING_POSITION_MIN } from './ring-position';
export { nextVersionedRing, type VersionedRing } from './versioned-ring';
export { inCurrentRing, inPendingRing, isRingOwnership, PENDING_RING_DIGEST_METADATA, reportedOwnership, RING_DIGEST_METADATA, RING_OWNERSHIP_METADATA, RING_OWNERSHIPS, type RingOwnership } from './ring-ownership';
export { placeholderNodeIds, ringChange, shareOf, type ChangedSegment, type RingChange } from './ring-change';
