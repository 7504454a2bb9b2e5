// The storage engine contract. Two engines implement it and run one shared test suite: LMDB (durable,
// the default) and memory (the ephemeral emulator mode).

import { assert } from '../assert';
import type { StoredRecord } from './stored-record';

/**
 * Decides, given the record currently stored under a key (or undefined), what to store instead:
 * a record to write, or undefined to write nothing. It runs inside the write transaction, so the
 * read and the write are atomic; it must be quick and must not perform I/O.
 */
export type WriteDecision = (current: StoredRecord | undefined) => StoredRecord | undefined;

/** One key's decision in a batch written by `KvStore.writeMany`. */
export interface KeyedDecision {
  readonly key: string;
  readonly decide: WriteDecision;
}

/** A meta value written in the same transaction as a batch (a transfer's progress, for one). */
export interface MetaEntry {
  readonly name: string;
  readonly value: string;
}

export interface ScanOptions {
  /** Only keys starting with this. */
  readonly prefix?: string;
  /** Resume strictly after this key (a page cursor). */
  readonly afterKey?: string;
  /** At most this many records returned. */
  readonly limit: number;
  /** Tombstones are skipped unless asked for (replication repair will want them). */
  readonly includeTombstones?: boolean;
}

export interface ScanPage {
  readonly records: StoredRecord[];
  /**
   * The last key examined when the scan stopped before the end of the range, else undefined. It may be
   * past the last returned record: scans skip tombstones but examine a bounded number of entries.
   */
  readonly resumeAfterKey: string | undefined;
}

export interface StoreStats {
  readonly liveKeys: number;
  readonly tombstones: number;
  /** Bytes the store occupies: LMDB pages in use, or payload bytes in memory. */
  readonly bytes: number;
}

export interface KvStore {
  readonly engine: 'lmdb' | 'memory';
  /** Latest committed record for a key, tombstones included. Synchronous: reads never wait for I/O. */
  get(key: string): StoredRecord | undefined;
  /**
   * Atomically applies a decision to one key. Resolves with what was written (undefined if nothing)
   * once the write is as durable as the store promises (see docs/operations.md, Durability).
   */
  write(key: string, decide: WriteDecision): Promise<StoredRecord | undefined>;
  /**
   * Applies many decisions in ONE transaction, all or nothing: each decision sees the record as left by
   * the batch's earlier decisions (a key may appear twice), and if any decision throws (or the store
   * refuses the batch) nothing is written and the promise rejects. `alsoSetMeta` is written in the
   * same transaction, so progress recorded with a batch can never run ahead of it. Resolves, as durable
   * as `write`, with what was written for each entry, in order (undefined where nothing was).
   */
  writeMany(entries: readonly KeyedDecision[], alsoSetMeta?: MetaEntry): Promise<(StoredRecord | undefined)[]>;
  /**
   * Removes a key's record outright, only if it is still at `version` (atomically): for collecting
   * tombstones past their grace period, and for discarding data that may be stale. True if removed.
   */
  erase(key: string, version: string): Promise<boolean>;
  scan(options: ScanOptions): ScanPage;
  stats(): StoreStats;
  /** A value that survives restarts of this node (its id, for one). Undefined in memory mode after restart. */
  getMeta(name: string): string | undefined;
  setMeta(name: string, value: string): Promise<void>;
  /** Idempotent: later calls return the first call's promise. */
  close(): Promise<void>;
}

/** Live/tombstone count change when `next` replaces `current`. */
export function countDelta(current: StoredRecord | undefined, next: StoredRecord): { live: number; tombstones: number } {
  const wasLive = current !== undefined && current.valueJson !== null;
  const wasTombstone = current !== undefined && current.valueJson === null;
  const isLive = next.valueJson !== null;
  return {
    live: (isLive ? 1 : 0) - (wasLive ? 1 : 0),
    tombstones: (isLive ? 0 : 1) - (wasTombstone ? 1 : 0),
  };
}

/** One entry of a decided batch: the record it replaces and what replaces it (undefined: nothing). */
export interface BatchOutcome {
  readonly key: string;
  readonly current: StoredRecord | undefined;
  readonly next: StoredRecord | undefined;
}

/**
 * Runs a batch's decisions in order, each seeing the record as left by the earlier ones (`read` gives
 * the stored one), without writing anything: the engines write the outcomes only once every decision
 * has returned, which makes a batch all or nothing. A throwing decision propagates.
 */
export function decideBatch(entries: readonly KeyedDecision[], read: (key: string) => StoredRecord | undefined): BatchOutcome[] {
  const decidedSoFar = new Map<string, StoredRecord>();
  return entries.map(({ key, decide }) => {
    const current = decidedSoFar.has(key) ? decidedSoFar.get(key) : read(key);
    const next = decide(current);
    if (next === undefined) return { key, current, next };
    assert(next.key === key, 'a write decision keeps the key');
    decidedSoFar.set(key, next);
    return { key, current, next };
  });
}
