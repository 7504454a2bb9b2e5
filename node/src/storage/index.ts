export type { KvStore, ScanOptions, ScanPage, StoreStats, WriteDecision } from './kv-store';
export { compareKeys } from './key-order';
export { LmdbStore, type SyncPolicy } from './lmdb-store';
export { MemoryStore } from './memory-store';
export { isTombstone, type StoredRecord } from './stored-record';
