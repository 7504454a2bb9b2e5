export type { KeyedDecision, KvStore, MetaEntry, ScanOptions, ScanPage, StoreStats, WriteDecision } from './kv-store';
export { compareKeys } from './key-order';
export type { SyncPolicy } from './lmdb-store';
export { MemoryStore } from './memory-store';
export { isTombstone, recordPayloadBytes, type StoredRecord } from './stored-record';
export { HintIndex, hintBytes, type Hint, type HintBounds, type HintPutOutcome, type HintStats, type HintStore } from './hint-store';
export { MemoryHintStore } from './memory-hint-store';
// The position index is reached through LmdbStore (storage/lmdb.ts); its file loads no lmdb-js itself.
export { LEAF_POSITION_HEX_DIGITS, type LeafChange, type LeafHasher, type LmdbPositionIndex, type PositionedLeaf } from './lmdb-position-index';
