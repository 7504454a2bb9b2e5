// Anti-entropy's leaves on disk, for a durable clustered node: a named sub-database of the node's LMDB
// environment holding, for every record, (key position + key) -> [version, leaf hash], so the leaves
// are in ring order and an interval's leaves are one range read. LmdbStore updates it inside the very
// transaction that changes the record, so the two never disagree, not even after a crash; the only
// thing kept in memory is the digest's 2^16 bucket summaries (replication/stored-digest-index.ts),
// told of every leaf change as it happens in the transaction.
//
// A data directory written before this index existed, or by a node that kept no digests (one not
// clustered), has no complete index: `complete()` builds it once, a batch of records per transaction,
// and marks it complete in the last one. Positions and hashes come from the replication layer
// (`LeafHasher`): the storage layer cannot import the ring.

import type { Database, RootDatabase } from 'lmdb';
import type { ScanPage } from './kv-store';
import type { StoredRecord } from './stored-record';

/** Hex digits of a ring position (the ring's RING_POSITION_HEX_DIGITS; replication checks they agree). */
export const LEAF_POSITION_HEX_DIGITS = 16;

export interface LeafHasher {
  /** A key's ring position, LEAF_POSITION_HEX_DIGITS hex digits. */
  position(key: string): string;
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

/** On disk a leaf is [version, hash high, hash low]; its LMDB key is position + key. */
type DiskLeaf = [string, number, number];

const LEAVES_DB = 'positions';
/** In the store's meta sub-database: true once every record has its leaf. */
const COMPLETE_META = 'positions-complete';
/** Records per transaction while building: bounded, so live writes wait a few milliseconds at most. */
const BUILD_BATCH_RECORDS = 2000;

export class LmdbPositionIndex {
  readonly #leaves: Database<DiskLeaf, string>;
  readonly #meta: Database<unknown, string>;
  readonly #hasher: LeafHasher;
  #observer: LeafObserver | undefined;

  /** `recordCount`: the records the store holds, each of which has exactly one leaf in a complete index. */
  constructor(root: RootDatabase, meta: Database<unknown, string>, hasher: LeafHasher, recordCount: number) {
    this.#leaves = root.openDB<DiskLeaf, string>({ name: LEAVES_DB });
    this.#meta = meta;
    this.#hasher = hasher;
    // Every write here keeps one leaf per record. Counts that differ mean writes that did not (a build of
    // swarmkv from before this index, run on the directory since): the leaves are rebuilt, not trusted.
    if (this.isComplete() && entryCount(this.#leaves) !== recordCount) LmdbPositionIndex.discard(root, meta);
  }

  /**
   * For a store opened without the index (a node that keeps no digests): its writes will not update
   * the leaves, so any there are dropped now, before the first write, and rebuilt if digests return.
   */
  static discard(root: RootDatabase, meta: Database<unknown, string>): void {
    const leaves = root.openDB({ name: LEAVES_DB });
    if (meta.get(COMPLETE_META) === undefined && leaves.getKeysCount({ limit: 1 }) === 0) return;
    // The mark first: a crash between the two leaves an incomplete index, which is rebuilt, never a
    // mark over missing leaves.
    meta.removeSync(COMPLETE_META);
    leaves.clearSync();
  }

  /** The one observer told of every leaf change, inside the transaction that makes it. */
  observe(observer: LeafObserver): void {
    this.#observer = observer;
  }

  /** Inside the write transaction that sets `key` to `next` (undefined: erased). */
  apply(key: string, next: StoredRecord | undefined, position = this.#hasher.position(key)): LeafChange {
    const slot = position + key;
    const old = this.#leaves.get(slot);
    const removed = old === undefined ? undefined : { key, position, version: old[0], high: old[1], low: old[2] };
    let added: PositionedLeaf | undefined;
    if (next !== undefined) {
      added = { key, position, version: next.version, ...this.#hasher.hash(key, next.version) };
      handled(this.#leaves.put(slot, [added.version, added.high, added.low]));
    } else if (old !== undefined) handled(this.#leaves.remove(slot));
    const change = { removed, added };
    this.#observer?.(change);
    return change;
  }

  /** The transaction that made `change` failed to commit: the observer is told to undo it. */
  revert(change: LeafChange | undefined): void {
    if (change !== undefined) this.#observer?.({ removed: change.added, added: change.removed });
  }

  /** Leaves from `from` (a position, or position + key) on, while their position <= `highPosition`. */
  *entries(from: string, highPosition: string): Generator<PositionedLeaf> {
    for (const { key: slot, value } of this.#leaves.getRange({ start: from })) {
      const position = slot.slice(0, LEAF_POSITION_HEX_DIGITS);
      if (position > highPosition) return;
      yield { key: slot.slice(LEAF_POSITION_HEX_DIGITS), version: value[0], position, high: value[1], low: value[2] };
    }
  }

  /** Runs `action` inside a write transaction of the environment: it sees every earlier write. */
  transaction<T>(action: () => T): Promise<T> {
    return this.#leaves.transaction(action);
  }

  isComplete(): boolean {
    return this.#meta.get(COMPLETE_META) === true;
  }

  /**
   * Gives every record its leaf (those that have one keep it: every write since kept it exact), a
   * batch per transaction, through `page` (the store's scan, tombstones included, inside it). Returns
   * how many leaves it added.
   */
  async complete(page: (afterKey: string | undefined, limit: number) => ScanPage): Promise<number> {
    let afterKey: string | undefined;
    let added = 0;
    while (!this.isComplete()) {
      afterKey = await this.transaction(() => {
        const scanned = page(afterKey, BUILD_BATCH_RECORDS);
        for (const record of scanned.records) {
          const position = this.#hasher.position(record.key);
          if (this.#leaves.doesExist(position + record.key)) continue;
          this.apply(record.key, record, position);
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

/** Entries in a sub-database, from LMDB's own statistics (no scan). */
export function entryCount(database: Database<unknown, string>): number {
  return (database.getStats() as { entryCount: number }).entryCount;
}

/** Puts inside a transaction return promises the transaction's own promise already reports on. */
function handled(result: unknown): void {
  if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') Promise.resolve(result).catch(() => {});
}
