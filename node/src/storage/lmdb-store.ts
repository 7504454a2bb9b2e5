// The durable engine: LMDB through lmdb-js. Writes are queued by lmdb-js into one transaction per event
// turn (group commit); `write` resolves after that transaction is committed and, with the `flush` sync
// policy, after it is fsynced too. Reads are synchronous from the memory map, through a read cache of
// decoded records (record-cache.ts).

import { open, type Database, type RootDatabase } from 'lmdb';
import { mkdirSync } from 'node:fs';
import type { SyncPolicy } from '../config';
import { STORE_MAP_BYTES_MAX } from '../limits';
import { assert } from '../assert';
import { SwarmError } from '../errors';
import { countDelta, decideBatch, type BatchOutcome, type KeyedDecision, type KvStore, type MetaEntry, type ScanOptions, type ScanPage, type StoreStats, type WriteDecision } from './kv-store';
import type { HintBounds } from './hint-store';
import { LmdbHintStore } from './lmdb-hint-store';
import { moveToUtf8Keys, openUtf8Keyed } from './lmdb-keys';
import { RecordCache } from './record-cache';
import { entryCount, LmdbPositionIndex, type LeafChange, type LeafHasher } from './lmdb-position-index';
import { scanInOrder } from './scan-in-order';
import type { StoredRecord } from './stored-record';

export type { SyncPolicy };

/** On disk a record is [valueJson | null, version, updatedAtMs]: the key is the LMDB key. */
type DiskRecord = [string | null, string, number];

const COUNTS_META = 'counts';

interface Counts {
  live: number;
  tombstones: number;
}

export class LmdbStore implements KvStore {
  readonly engine = 'lmdb' as const;
  readonly #root: RootDatabase;
  readonly #records: Database<DiskRecord, string>;
  readonly #meta: Database<unknown, string>;
  readonly #syncPolicy: SyncPolicy;
  readonly #cache = new RecordCache();
  /**
   * True while lmdb-js runs one of this store's transaction callbacks. Reads then go to the write
   * transaction itself, past the cache: they must see what earlier callbacks in the same transaction put
   * (the cache forgets those keys only when the transaction settles), and what they see may never commit.
   */
  #inTransaction = false;
  /** Keys an earlier build wrote in lmdb-js's default encoding, moved to UTF-8 when this store opened (lmdb-keys.ts). */
  readonly movedKeys: { readonly moved: number; readonly unreadable: number };
  /** The records' leaves by ring position, for a node that keeps digests (lmdb-position-index.ts). */
  readonly positions: LmdbPositionIndex | undefined;
  #counts: Counts;
  #closing: Promise<void> | undefined;

  /**
   * With a `leafHasher` (a clustered node), every write that creates or erases a record keeps the
   * position index in its transaction.
   */
  constructor(dataDir: string, syncPolicy: SyncPolicy, leafHasher?: LeafHasher) {
    mkdirSync(dataDir, { recursive: true });
    this.#syncPolicy = syncPolicy;
    // lmdb-js guesses from the path whether it names a directory or a single data file: one with an
    // extension (`node.1`, `data.old`) would become the file `node.1` plus a `node.1-lock` beside it.
    // The data directory is always a directory, so say so.
    this.#root = open({ path: dataDir, noSubdir: false, mapSize: STORE_MAP_BYTES_MAX, compression: false });
    this.#meta = this.#root.openDB<unknown, string>({ name: 'meta' });
    this.movedKeys = moveToUtf8Keys(this.#root, this.#meta, 'records');
    this.#records = openUtf8Keyed<DiskRecord>(this.#root, 'records');
    this.#counts = this.#storedCounts();
    if (leafHasher === undefined) LmdbPositionIndex.discard(this.#root, this.#meta);
    this.positions = leafHasher === undefined ? undefined : new LmdbPositionIndex(this.#root, this.#meta, leafHasher, (key) => this.get(key)?.version, entryCount(this.#records));
  }

  #storedCounts(): Counts {
    return (this.#meta.get(COUNTS_META) as Counts | undefined) ?? { live: 0, tombstones: 0 };
  }

  get(key: string): StoredRecord | undefined {
    if (this.#inTransaction) return this.#read(key);
    const cached = this.#cache.lookup(key);
    if (cached !== undefined) return cached ?? undefined;
    const record = this.#read(key);
    this.#cache.remember(key, record);
    return record;
  }

  #read(key: string): StoredRecord | undefined {
    const disk = this.#records.get(key);
    return disk === undefined ? undefined : fromDisk(key, disk);
  }

  async write(key: string, decide: WriteDecision): Promise<StoredRecord | undefined> {
    const [written] = await this.writeMany([{ key, decide }]);
    return written;
  }

  async writeMany(entries: readonly KeyedDecision[], alsoSetMeta?: MetaEntry): Promise<(StoredRecord | undefined)[]> {
    assert(this.#closing === undefined, 'write after close');
    let failure: unknown;
    const changes: LeafChange[] = [];
    const written: string[] = [];
    // The decisions run inside lmdb-js's batched write transaction. An exception thrown in there would
    // abort the whole batch, other clients' writes included, so it is caught and rethrown afterwards;
    // every decision runs before the first put, so a throwing one leaves this batch unwritten.
    const outcomes = await this.#transact(
      () => {
        try {
          const decided = decideBatch(entries, (key) => this.get(key));
          this.#putAll(decided, alsoSetMeta, changes, written);
          return decided;
        } catch (error) {
          failure = error;
          return [];
        }
      },
      written,
      () => changes,
    );
    if (failure !== undefined) throw failure;
    const records = outcomes.map((outcome) => outcome.next);
    const wroteAnything = alsoSetMeta !== undefined || records.some((record) => record !== undefined);
    if (wroteAnything && this.#syncPolicy === 'flush') await Promise.resolve(this.#root.flushed).catch((error: unknown) => this.#commitFailed(error));
    return records;
  }

  /**
   * Runs `body` in lmdb-js's batched write transaction, where reads bypass the read cache (#inTransaction);
   * once the transaction settles the cache forgets `written` (the keys `body` put or removed), and a
   * failed commit fails as #commitFailed says, reverting `changes()`.
   */
  #transact<T>(body: () => T, written: readonly string[], changes: () => readonly LeafChange[]): Promise<T> {
    return this.#records
      .transaction(() => {
        this.#inTransaction = true;
        try {
          return body();
        } finally {
          this.#inTransaction = false;
        }
      })
      .then(
        (result) => {
          this.#cache.settled(written);
          return result;
        },
        (error: unknown) => {
          this.#cache.settled(written);
          return this.#commitFailed(error, changes());
        },
      );
  }

  /**
   * Inside the write transaction: the decided records, their leaves, the counts they change, and the
   * meta value. Each key put is added to `written`, for the read cache to forget when the transaction settles.
   */
  #putAll(decided: readonly BatchOutcome[], alsoSetMeta: MetaEntry | undefined, changes: LeafChange[], written: string[]): void {
    let countsChanged = false;
    for (const { key, current, next } of decided) {
      if (next === undefined) continue;
      const delta = countDelta(current, next);
      if (delta.live !== 0 || delta.tombstones !== 0) {
        this.#counts = { live: this.#counts.live + delta.live, tombstones: this.#counts.tombstones + delta.tombstones };
        countsChanged = true;
      }
      written.push(key);
      handledByTransaction(this.#records.put(key, [next.valueJson, next.version, next.updatedAtMs]));
      if (this.positions !== undefined) changes.push(this.positions.apply(key, current, next));
    }
    if (countsChanged) handledByTransaction(this.#meta.put(COUNTS_META, this.#counts));
    if (alsoSetMeta !== undefined) handledByTransaction(this.#meta.put(alsoSetMeta.name, alsoSetMeta.value));
  }

  /**
   * A commit that failed (the disk is full, or failing) fails this write with insufficient_storage and
   * leaves the node running: the records and counts on disk are what they were before the batch.
   */
  async #commitFailed(error: unknown, changes: readonly LeafChange[] = []): Promise<never> {
    for (const change of changes) this.positions?.revert(change);
    const pending = (error as { commitError?: Promise<unknown> }).commitError;
    const cause = pending === undefined ? error : await pending.then(() => error, (reason: unknown) => reason);
    this.#counts = this.#storedCounts();
    const code = (cause as { code?: unknown }).code;
    throw new SwarmError('insufficient_storage', `the node could not commit to its disk (${String((cause as Error).message ?? cause)}${code === undefined ? '' : `, code ${String(code)}`}); free space on it or move the data directory`);
  }

  async erase(key: string, version: string): Promise<boolean> {
    assert(this.#closing === undefined, 'erase after close');
    let change: LeafChange | undefined;
    const removed: string[] = [];
    const erased = await this.#transact(
      () => {
        const current = this.get(key);
        if (current === undefined || current.version !== version) return false;
        const live = current.valueJson === null ? 0 : 1;
        this.#counts = { live: this.#counts.live - live, tombstones: this.#counts.tombstones - (1 - live) };
        removed.push(key);
        handledByTransaction(this.#records.remove(key));
        change = this.positions?.apply(key, current, undefined);
        handledByTransaction(this.#meta.put(COUNTS_META, this.#counts));
        return true;
      },
      removed,
      () => (change === undefined ? [] : [change]),
    );
    if (erased && this.#syncPolicy === 'flush') await Promise.resolve(this.#root.flushed).catch((error: unknown) => this.#commitFailed(error));
    return erased;
  }

  scan(options: ScanOptions): ScanPage {
    const start = options.afterKey ?? options.prefix ?? '';
    const entries = this.#records.getRange({ start });
    return scanInOrder(
      (function* () {
        for (const { key, value } of entries) yield fromDisk(key, value);
      })(),
      options,
    );
  }

  stats(): StoreStats {
    const stats = this.#root.getStats() as { pageSize: number; treeBranchPageCount: number; treeLeafPageCount: number; overflowPages: number };
    const childStats = this.#records.getStats() as typeof stats;
    const pages = childStats.treeBranchPageCount + childStats.treeLeafPageCount + childStats.overflowPages;
    return { liveKeys: this.#counts.live, tombstones: this.#counts.tombstones, bytes: pages * stats.pageSize };
  }

  getMeta(name: string): string | undefined {
    const value = this.#meta.get(name);
    return typeof value === 'string' ? value : undefined;
  }

  async setMeta(name: string, value: string): Promise<void> {
    await Promise.resolve(this.#meta.put(name, value)).catch((error: unknown) => this.#commitFailed(error));
    await Promise.resolve(this.#root.flushed).catch((error: unknown) => this.#commitFailed(error));
  }

  /**
   * Transactions committed in this environment so far (LMDB's last transaction id): against the writes
   * made, it says how many share a commit (lmdb-js's writer thread appends writes queued while it works
   * to the transaction in progress; bench/RESULTS.md, issue 11, replica-commit).
   */
  committedTransactions(): number {
    return (this.#root.getStats() as { lastTxnId: number }).lastTxnId;
  }

  /** The hint store in this environment (a named sub-database): closed with this store. */
  openHintStore(bounds: HintBounds): LmdbHintStore {
    return new LmdbHintStore(this.#root, this.#syncPolicy, bounds);
  }

  close(): Promise<void> {
    this.#cache.clear();
    this.#closing ??= this.#root.close();
    return this.#closing;
  }
}

/**
 * Inside a transaction, lmdb-js hands back a promise per put that rejects if the commit fails; the
 * transaction's own promise reports that failure already (see #commitFailed), so these are marked
 * handled rather than left to crash the process as unhandled rejections.
 */
function handledByTransaction(result: unknown): void {
  if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') Promise.resolve(result).catch(() => {});
}

function fromDisk(key: string, disk: DiskRecord): StoredRecord {
  return { key, valueJson: disk[0], version: disk[1], updatedAtMs: disk[2] };
}
