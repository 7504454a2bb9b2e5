// The durable store's read cache: recently read records, decoded, so a GET of a key read before costs a
// map lookup instead of an LMDB read (a read transaction renewed per event turn, a B-tree descent and a
// msgpack decode: ~1.6 µs of a ~16 µs GET; bench/RESULTS.md, issue 11, record-cache).
//
// It must never answer with anything older than what LMDB holds once a write has been acknowledged: when
// a write transaction settles (committed or failed), every key it put or removed is forgotten, and lmdb-js
// has reset its read snapshot by then, so the next read sees the commit (or, after a failure, the data as
// it was). A read while the write is in flight may remember the snapshot from before it, as LMDB itself
// would answer then; the settle drops it. Reads inside a write transaction never use the cache
// (lmdb-store.ts): they must see the transaction's own puts, which may never commit.

import { RECORD_CACHE_BYTES_MAX, RECORD_CACHE_ENTRY_OVERHEAD_BYTES, RECORD_CACHE_RECORD_BYTES_MAX } from '../limits';
import type { StoredRecord } from './stored-record';

/** An absent key is remembered too (a 404 costs no LMDB read either). */
const ABSENT = null;
type Entry = StoredRecord | typeof ABSENT;

export class RecordCache {
  /** Insertion order is eviction order (first in, first out): a hit costs no reordering. */
  readonly #entries = new Map<string, Entry>();
  readonly #bytesMax: number;
  #bytes = 0;

  constructor(bytesMax = RECORD_CACHE_BYTES_MAX) {
    this.#bytesMax = bytesMax;
  }

  /** The remembered record (undefined: not remembered; null: remembered as absent). */
  lookup(key: string): Entry | undefined {
    return this.#entries.get(key);
  }

  /** Remembers what a read outside any write transaction found. */
  remember(key: string, record: StoredRecord | undefined): void {
    if (this.#entries.has(key)) return;
    const bytes = entryBytes(key, record);
    if (bytes > RECORD_CACHE_RECORD_BYTES_MAX) return;
    this.#entries.set(key, record ?? ABSENT);
    this.#bytes += bytes;
    while (this.#bytes > this.#bytesMax) this.#evictOldest();
  }

  /** A write transaction that put or removed these keys has committed or failed. */
  settled(keys: readonly string[]): void {
    for (const key of keys) this.#forget(key);
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  get size(): number {
    return this.#entries.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  #forget(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= entryBytes(key, entry ?? undefined);
  }

  #evictOldest(): void {
    const oldest = this.#entries.keys().next();
    if (oldest.done === true) return;
    this.#forget(oldest.value);
  }
}

/** What an entry is counted as: its strings at two bytes a character, plus the map's and object's own. */
function entryBytes(key: string, record: StoredRecord | undefined): number {
  const chars = key.length + (record === undefined ? 0 : (record.valueJson?.length ?? 0) + record.version.length);
  return 2 * chars + RECORD_CACHE_ENTRY_OVERHEAD_BYTES;
}
