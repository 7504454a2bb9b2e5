// Anti-entropy's leaves on disk, for a durable clustered node: a named sub-database of the node's LMDB
// environment holding a slot, (key position + key), for every record, so the leaves are in ring order
// and an interval's leaves are one range read. A slot holds nothing: a leaf's version is its record's,
// read beside it, and its hash is computed when asked for. So overwriting a key (the common write)
// leaves the slots alone, and only creating or erasing a record touches them: a replica write dirties
// one B-tree instead of two (bench/RESULTS.md, issue 11, "leaf slots"). LmdbStore changes the slots
// inside the very transaction that changes the record, so the two never disagree, not even after a
// crash; the only thing kept in memory is the digest's 2^16 bucket summaries
// (replication/stored-digest-index.ts), told of every leaf change as it happens in the transaction.
//
// A data directory written before these slots existed, by a node that kept no digests (one not
// clustered), or since by an older swarmkv has no complete set: `complete()` builds it once, a batch of
// records per transaction, and marks it complete in the last one. Older builds kept [version, hash] per
// leaf in the `positions` sub-database; it is dropped when found, and finding it again means an older
// build wrote here since, so the slots are rebuilt. Positions and hashes come from the replication
// layer (`LeafHasher`): the storage layer cannot import the ring.

import type { Database, RootDatabase } from 'lmdb';
import type { ScanPage } from './kv-store';
import { moveToUtf8Keys, openUtf8Keyed } from './lmdb-keys';
import type { StoredRecord } from './stored-record';

/** Hex digits of a ring position (the ring's RING_POSITION_HEX_DIGITS; replication checks they agree). */
export const LEAF_POSITION_HEX_DIGITS = 16;

export interface LeafHasher {
  /** A key's ring position, LEAF_POSITION_HEX_DIGITS hex digits. */
  position(key: string): string;
  /** The same, for a pass over every key held, where remembering recent keys' positions would not pay. */
  positionOfEvery(key: string): string;
  /** The leaf hash of (key, version): two 32-bit halves. */
  hash(key: string, version: string): { readonly high: number; readonly low: number };
}

export interface PositionedLeaf {
  readonly key: string;
  readonly version: string;
  readonly position: string;
  readonly high: number;
  readonly low: number;
}

/** What one record change did to the leaves: the leaf taken out, the leaf put in. */
export interface LeafChange {
  readonly removed: PositionedLeaf | undefined;
  readonly added: PositionedLeaf | undefined;
}

export type LeafObserver = (change: LeafChange) => void;

/** A record's version by key (undefined: no record), read in the caller's transaction. */
export type RecordVersion = (key: string) => string | undefined;

/** A slot's value: nothing (LMDB keeps the key alone). */
const EMPTY_SLOT = Buffer.alloc(0);
const SLOTS_DB = 'leaf-slots';
/** In the store's meta sub-database: true once every record has its slot. */
const COMPLETE_META = 'leaf-slots-complete';
/** What older builds kept: [version, hash high, hash low] per leaf, and their completeness mark. */
const LEGACY_LEAVES_DB = 'positions';
const LEGACY_COMPLETE_META = 'positions-complete';
/** Records per transaction while building: bounded, so live writes wait a few milliseconds at most. */
const BUILD_BATCH_RECORDS = 2000;

export class LmdbPositionIndex {
  readonly #slots: Database<Buffer, string>;
  readonly #meta: Database<unknown, string>;
  readonly #hasher: LeafHasher;
  readonly #versionOf: RecordVersion;
  #observer: LeafObserver | undefined;

  /** `recordCount`: the records the store holds, each of which has exactly one slot in a complete index. */
  constructor(root: RootDatabase, meta: Database<unknown, string>, hasher: LeafHasher, versionOf: RecordVersion, recordCount: number) {
    this.#slots = openSlots(root, meta);
    this.#meta = meta;
    this.#hasher = hasher;
    this.#versionOf = versionOf;
    // Every write here keeps one slot per record. An older build's leaves, or counts that differ, mean
    // writes that did not (a build of swarmkv from before these slots, run on the directory since): the
    // slots are rebuilt, not trusted.
    const olderBuildWrote = dropLegacyLeaves(root, meta);
    if (this.isComplete() && (olderBuildWrote || entryCount(this.#slots) !== recordCount)) LmdbPositionIndex.discard(root, meta);
  }

  /**
   * For a store opened without the index (a node that keeps no digests): its writes will not update
   * the slots, so any there are dropped now, before the first write, and rebuilt if digests return.
   */
  static discard(root: RootDatabase, meta: Database<unknown, string>): void {
    dropLegacyLeaves(root, meta);
    const slots = openSlots(root, meta);
    if (meta.get(COMPLETE_META) === undefined && slots.getKeysCount({ limit: 1 }) === 0) return;
    // The mark first: a crash between the two leaves an incomplete index, which is rebuilt, never a
    // mark over missing slots.
    meta.removeSync(COMPLETE_META);
    slots.clearSync();
  }

  /** The one observer told of every leaf change, inside the transaction that makes it. */
  observe(observer: LeafObserver): void {
    this.#observer = observer;
  }

  /**
   * Inside the write transaction that changes `key` from `current` to `next` (undefined: no record).
   * Only a created or erased record touches the slots; the leaves are told to the observer either way.
   */
  apply(key: string, current: StoredRecord | undefined, next: StoredRecord | undefined, position = this.#hasher.position(key)): LeafChange {
    const slot = position + key;
    if (current === undefined && next !== undefined) handled(this.#slots.put(slot, EMPTY_SLOT));
    else if (current !== undefined && next === undefined) handled(this.#slots.remove(slot));
    const change = {
      removed: current === undefined ? undefined : new StoredLeaf(key, position, current.version, this.#hasher),
      added: next === undefined ? undefined : new StoredLeaf(key, position, next.version, this.#hasher),
    };
    this.#observer?.(change);
    return change;
  }

  /** The leaf of a record (key, version) met in a pass over every record: its hash is computed when asked for. */
  leafOfEvery(key: string, version: string): PositionedLeaf {
    return new StoredLeaf(key, this.#hasher.positionOfEvery(key), version, this.#hasher);
  }

  /** The transaction that made `change` failed to commit: the observer is told to undo it. */
  revert(change: LeafChange | undefined): void {
    if (change !== undefined) this.#observer?.({ removed: change.added, added: change.removed });
  }

  /**
   * Leaves from `from` (a position, or position + key) on, while their position <= `highPosition`; each
   * leaf's version is read from its record, its hash computed only if asked for.
   */
  *entries(from: string, highPosition: string): Generator<PositionedLeaf> {
    for (const slot of this.#slots.getKeys({ start: from })) {
      const position = slot.slice(0, LEAF_POSITION_HEX_DIGITS);
      if (position > highPosition) return;
      const key = slot.slice(LEAF_POSITION_HEX_DIGITS);
      const version = this.#versionOf(key);
      // Never so in a transaction that sees a complete index (every record has its slot and every slot
      // its record); while a build is under way a slot's record may be gone already.
      if (version !== undefined) yield new StoredLeaf(key, position, version, this.#hasher);
    }
  }

  /** Runs `action` inside a write transaction of the environment: it sees every earlier write. */
  transaction<T>(action: () => T): Promise<T> {
    return this.#slots.transaction(action);
  }

  isComplete(): boolean {
    return this.#meta.get(COMPLETE_META) === true;
  }

  /**
   * Gives every record its slot (those that have one keep it: every write since kept it exact), a
   * batch per transaction, through `page` (the store's scan, tombstones included, inside it). Returns
   * how many slots it added.
   */
  async complete(page: (afterKey: string | undefined, limit: number) => ScanPage): Promise<number> {
    let afterKey: string | undefined;
    let added = 0;
    while (!this.isComplete()) {
      afterKey = await this.transaction(() => {
        const scanned = page(afterKey, BUILD_BATCH_RECORDS);
        for (const record of scanned.records) {
          const slot = this.#hasher.positionOfEvery(record.key) + record.key;
          if (this.#slots.doesExist(slot)) continue;
          handled(this.#slots.put(slot, EMPTY_SLOT));
          added++;
        }
        if (scanned.resumeAfterKey === undefined) handled(this.#meta.put(COMPLETE_META, true));
        return scanned.resumeAfterKey;
      });
      await new Promise((resolve) => setImmediate(resolve));
    }
    return added;
  }
}

/**
 * A leaf as the slots give it: the hash (a SHA-256) is computed on first use, since most readers (range
 * transfers, leaf lists, a write's change to a bucket not yet summed) never ask for it.
 */
class StoredLeaf implements PositionedLeaf {
  readonly key: string;
  readonly position: string;
  readonly version: string;
  readonly #hasher: LeafHasher;
  #hash: { readonly high: number; readonly low: number } | undefined;

  constructor(key: string, position: string, version: string, hasher: LeafHasher) {
    this.key = key;
    this.position = position;
    this.version = version;
    this.#hasher = hasher;
  }

  get high(): number {
    return this.#hashed().high;
  }

  get low(): number {
    return this.#hashed().low;
  }

  #hashed(): { readonly high: number; readonly low: number } {
    this.#hash ??= this.#hasher.hash(this.key, this.version);
    return this.#hash;
  }
}

/**
 * The slots, keyed by their UTF-8 bytes as the records are (lmdb-keys.ts). Earlier builds wrote them in
 * lmdb-js's default key encoding, which reads a long key holding a NUL back as an array: the slot of
 * every API token's record (position + NUL + `swarmkv/token/` + 64 hex digits) came back as one, and
 * every range transfer and anti-entropy pass over its interval failed (`Zero length key is not allowed
 * in LMDB`), so a node could not join a cluster that had made a token. They are moved once, on open.
 */
function openSlots(root: RootDatabase, meta: Database<unknown, string>): Database<Buffer, string> {
  const { unreadable } = moveToUtf8Keys(root, meta, SLOTS_DB);
  const slots = openUtf8Keyed<Buffer>(root, SLOTS_DB, 'binary');
  if (unreadable > 0) {
    // Slots are derived from the records: ones that cannot be read back are rebuilt, not guessed at.
    meta.removeSync(COMPLETE_META);
    slots.clearSync();
  }
  return slots;
}

/** Drops an older build's leaves, if any; true if there were some (an older build wrote here since). */
function dropLegacyLeaves(root: RootDatabase, meta: Database<unknown, string>): boolean {
  const legacy = root.openDB({ name: LEGACY_LEAVES_DB });
  const found = meta.get(LEGACY_COMPLETE_META) !== undefined || legacy.getKeysCount({ limit: 1 }) > 0;
  if (found) {
    meta.removeSync(LEGACY_COMPLETE_META);
    legacy.clearSync();
  }
  return found;
}

/** Entries in a sub-database, from LMDB's own statistics (no scan). */
export function entryCount(database: Database<unknown, string>): number {
  return (database.getStats() as { entryCount: number }).entryCount;
}

/** Puts inside a transaction return promises the transaction's own promise already reports on. */
function handled(result: unknown): void {
  if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') Promise.resolve(result).catch(() => {});
}
