// A replica as the coordinator sees it: something that can read, merge-write and scan records for the
// keys it holds. The local store is one; a peer reached over the transport is another. The coordinator
// never needs to know which.

import type { ScanOptions, ScanPage, StoredRecord } from '../storage';

export interface ReplicaWriteAck {
  /** True when the incoming record was newer and is now stored. */
  readonly applied: boolean;
  /** The version the replica holds for the key after the write (newer than ours if we lost). */
  readonly version: string;
}

export interface ReplicaWriteOptions {
  /**
   * Set when this replica stands in for an intended replica that is down (sloppy quorum): the record
   * is kept as a hint owed to that node, not in this replica's main store (hinted handoff).
   */
  readonly hintFor?: string;
}

export interface Replica {
  readonly nodeId: string;
  /** The record the replica holds, tombstones included (and hints it holds for others); undefined if none. */
  read(key: string): Promise<StoredRecord | undefined>;
  /**
   * Merges a record: stored if its version is newer than the replica's, else ignored. Last writer wins
   * by version, so every replica converges to the same record whatever order writes arrive in. With
   * `hintFor`, the record is held as a hint instead; a full hint store fails the write.
   */
  write(record: StoredRecord, options?: ReplicaWriteOptions): Promise<ReplicaWriteAck>;
  scan(options: ScanOptions): Promise<ScanPage>;
}

/**
 * A replica that also takes many writes at once (a hand-over's or a hint delivery's batch to one node):
 * each record merged as `write` would, the lot in one store transaction; with `hintFor`, all held as
 * hints instead. Resolves with how many were newer and are now stored. On failure some may have landed
 * (hints are stored one by one): merging is idempotent, so the sender resends them all.
 */
export interface BatchReplica {
  readonly nodeId: string;
  writeBatch(records: readonly StoredRecord[], options?: ReplicaWriteOptions): Promise<number>;
}

/** How to reach a node's store for batches; undefined when there is no way to right now. */
export interface BatchReplicaDirectory {
  batchReplica(nodeId: string): BatchReplica | undefined;
}
