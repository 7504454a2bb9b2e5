// What a store holds per key. Designed for replication: every record carries the version that orders
// it against concurrent writes elsewhere, and a delete is a tombstone (valueJson null) rather than an
// erase, so a replica that missed the delete cannot bring the key back.

export interface StoredRecord {
  readonly key: string;
  /** The value's compact JSON text; null marks a tombstone. Kept as text: it is what the API returns. */
  readonly valueJson: string | null;
  /** Encoded version (see version/version.ts): orders writes to this key across the cluster. */
  readonly version: string;
  /** Wall-clock time of the write at the node that coordinated it, for humans; never used to order. */
  readonly updatedAtMs: number;
}

export function isTombstone(record: StoredRecord): boolean {
  return record.valueJson === null;
}

/** Bytes a record occupies in the payload of a store, as counted for `store bytes` in memory mode. */
export function recordPayloadBytes(record: StoredRecord): number {
  return Buffer.byteLength(record.key) + (record.valueJson === null ? 0 : Buffer.byteLength(record.valueJson)) + record.version.length + 8;
}
