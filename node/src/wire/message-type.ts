// The append-only enum of peer message types. A frame on the wire starts with one of these codes, so a
// code, once released, keeps its meaning forever: new types are appended, retired ones stay listed (as
// a comment) and are never reused. Layers own ranges, so each can append without touching another's.
//
//   1..15     transport: the hello and the request/response envelopes
//   16..63    membership (SWIM probes, gossip)
//   64..127   replication (replica reads, writes, scans, repair)
//   128..143  clock offsets (clock-offset/: a peer's wall clock, read over a round trip)
//   60000..   tests only: suites define their own types in private registries

export const MessageType = {
  hello: 1,
  rpcRequest: 2,
  rpcResponse: 3,
  rpcError: 4,
  identify: 5,
  // protocol version 2: rpcRequest and rpcResponse whose body has a binary layout (compact-envelope.ts)
  rpcRequestCompact: 6,
  rpcResponseCompact: 7,
  // membership (membership/membership-codecs.ts)
  membershipPing: 16,
  membershipAck: 17,
  membershipNack: 18,
  membershipPingReq: 19,
  membershipGossip: 20,
  membershipPush: 21,
  // replication (replication/replica-messages.ts)
  replicaRead: 64,
  replicaRecord: 65,
  replicaWrite: 66,
  replicaWriteAck: 67,
  replicaScan: 68,
  replicaScanPage: 69,
  // anti-entropy (replication/anti-entropy-messages.ts)
  antiEntropyDigestRequest: 70,
  antiEntropyDigests: 71,
  antiEntropyKeysRequest: 72,
  antiEntropyKeys: 73,
  // explaining a key (replication/key-inspection-messages.ts)
  keyInspect: 74,
  keyInspection: 75,
  // range transfers to joining owners (replication/range-transfer-messages.ts); 76..79 left to others
  rangeTransferRequest: 80,
  rangeTransferBatch: 81,
  // many replica writes to one node in one message: hand-overs and hint delivery (replication/replica-batch-messages.ts)
  replicaWriteBatch: 82,
  replicaWriteBatchAck: 83,
  // clock offsets between members (clock-offset/clock-offset-messages.ts)
  clockProbe: 128,
  clockReading: 129,
} as const;

export type MessageTypeName = keyof typeof MessageType;

/** Codes are unsigned 16-bit: the frame header has two bytes for them. */
export const MESSAGE_TYPE_CODE_MAX = 0xffff;
