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
