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

export interface Replica {
  readonly nodeId: string;
  /** The record the replica holds, tombstones included; undefined if it has none. */
  read(key: string): Promise<StoredRecord | undefined>;
  /**
   * Merges a record: stored if its version is newer than the replica's, else ignored. Last writer wins
   * by version, so every replica converges to the same record whatever order writes arrive in.
   */
  write(record: StoredRecord): Promise<ReplicaWriteAck>;
  scan(options: ScanOptions): Promise<ScanPage>;
}
