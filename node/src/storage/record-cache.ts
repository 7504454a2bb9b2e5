// The durable store's read cache: recently read records, decoded, so a GET of a key read before costs a
// map lookup instead of an LMDB read (a read transaction renewed per event turn, a B-tree descent and a
// msgpack decode: ~1.6 µs of a ~16 µs GET; bench/RESULTS.md, issue 11, record-cache).
//
// It must never answer with anything but what LMDB itself would answer. A key is "in flight" from the
// moment a write transaction puts or removes it until that transaction has settled; while a key is in
// flight its entry is gone and nothing read for it is remembered (a read then may see the snapshot from
// before the write, and that snapshot must not outlive the commit). Once the transaction has settled
// lmdb-js has reset its read snapshot, so the next read sees the commit, or, after a failed commit, the
// data as it was.

import { RECORD_CACHE_BYTES_MAX, RECORD_CACHE_ENTRY_OVERHEAD_BYTES, RECORD_CACHE_RECORD_BYTES_MAX } from '../limits';
import type { StoredRecord } from './stored-record';

/** An absent key is remembered too (a 404 costs no LMDB read either). */
const ABSENT = null;
type Entry = StoredRecord | typeof ABSENT;

export class RecordCache {
  /** Insertion order is eviction order (first in, first out): a hit costs no reordering. */
  readonly #entries = new Map<string, Entry>();
  /** Keys with writes in flight, and how many. */
  readonly #inFlight = new Map<string, number>();
  readonly #bytesMax: number;
  #bytes = 0;

  constructor(bytesMax = RECORD_CACHE_BYTES_MAX) {
    this.#bytesMax = bytesMax;
  }

  /** The remembered record (undefined: not remembered; null: remembered as absent). */
  lookup(key: string): Entry | undefined {
    return this.#entries.get(key);
  }

  /** Remembers what a read outside any write transaction found, unless a write to the key is in flight. */
  remember(key: string, record: StoredRecord | undefined): void {
    if (this.#inFlight.has(key) || this.#entries.has(key)) return;
    const bytes = entryBytes(key, record);
    if (bytes > RECORD_CACHE_RECORD_BYTES_MAX) return;
    this.#entries.set(key, record ?? ABSENT);
    this.#bytes += bytes;
    while (this.#bytes > this.#bytesMax) this.#evictOldest();
  }

  /** A write transaction is about to put or remove `key`. */
  writing(key: string): void {
    this.#forget(key);
    this.#inFlight.set(key, (this.#inFlight.get(key) ?? 0) + 1);
  }

  /** The transaction that wrote these keys (each once per `writing` call) has committed or failed. */
  settled(keys: readonly string[]): void {
    for (const key of keys) {
      this.#forget(key);
      const count = this.#inFlight.get(key) ?? 0;
      if (count <= 1) this.#inFlight.delete(key);
      else this.#inFlight.set(key, count - 1);
    }
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
