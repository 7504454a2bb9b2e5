// The durable engine: LMDB through lmdb-js. Writes are queued by lmdb-js into one transaction per event
// turn (group commit); `write` resolves after that transaction is committed and, with the `flush` sync
// policy, after it is fsynced too. Reads are synchronous from the memory map.

import { open, type Database, type RootDatabase } from 'lmdb';
import { mkdirSync } from 'node:fs';
import type { SyncPolicy } from '../config';
import { STORE_MAP_BYTES_MAX } from '../limits';
import { assert } from '../assert';
import { countDelta, type KvStore, type ScanOptions, type ScanPage, type StoreStats, type WriteDecision } from './kv-store';
import type { HintBounds } from './hint-store';
import { LmdbHintStore } from './lmdb-hint-store';
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
  #counts: Counts;
  #closing: Promise<void> | undefined;

  constructor(dataDir: string, syncPolicy: SyncPolicy) {
    mkdirSync(dataDir, { recursive: true });
    this.#syncPolicy = syncPolicy;
    // lmdb-js guesses from the path whether it names a directory or a single data file: one with an
    // extension (`node.1`, `data.old`) would become the file `node.1` plus a `node.1-lock` beside it.
    // The data directory is always a directory, so say so.
    this.#root = open({ path: dataDir, noSubdir: false, mapSize: STORE_MAP_BYTES_MAX, compression: false });
    this.#records = this.#root.openDB<DiskRecord, string>({ name: 'records' });
    this.#meta = this.#root.openDB<unknown, string>({ name: 'meta' });
    const counts = this.#meta.get(COUNTS_META) as Counts | undefined;
    this.#counts = counts ?? { live: 0, tombstones: 0 };
  }

  get(key: string): StoredRecord | undefined {
    const disk = this.#records.get(key);
    return disk === undefined ? undefined : fromDisk(key, disk);
  }

  async write(key: string, decide: WriteDecision): Promise<StoredRecord | undefined> {
    assert(this.#closing === undefined, 'write after close');
    let failure: unknown;
    // The decision runs inside lmdb-js's batched write transaction. An exception thrown in there would
    // abort the whole batch, other clients' writes included, so it is caught and rethrown afterwards.
    const written = await this.#records.transaction(() => {
      try {
        const current = this.get(key);
        const next = decide(current);
        if (next === undefined) return undefined;
        assert(next.key === key, 'a write decision keeps the key');
        const delta = countDelta(current, next);
        this.#counts = { live: this.#counts.live + delta.live, tombstones: this.#counts.tombstones + delta.tombstones };
        this.#records.put(key, [next.valueJson, next.version, next.updatedAtMs]);
        if (delta.live !== 0 || delta.tombstones !== 0) this.#meta.put(COUNTS_META, this.#counts);
        return next;
      } catch (error) {
        failure = error;
        return undefined;
      }
    });
    if (failure !== undefined) throw failure;
    if (written !== undefined && this.#syncPolicy === 'flush') await this.#root.flushed;
    return written;
  }

  async erase(key: string, version: string): Promise<boolean> {
    assert(this.#closing === undefined, 'erase after close');
    const erased = await this.#records.transaction(() => {
      const current = this.get(key);
      if (current === undefined || current.version !== version) return false;
      const live = current.valueJson === null ? 0 : 1;
      this.#counts = { live: this.#counts.live - live, tombstones: this.#counts.tombstones - (1 - live) };
      this.#records.remove(key);
      this.#meta.put(COUNTS_META, this.#counts);
      return true;
    });
    if (erased && this.#syncPolicy === 'flush') await this.#root.flushed;
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
    await this.#meta.put(name, value);
    await this.#root.flushed;
  }

  /** The hint store in this environment (a named sub-database): closed with this store. */
  openHintStore(bounds: HintBounds): LmdbHintStore {
    return new LmdbHintStore(this.#root, this.#syncPolicy, bounds);
  }

  close(): Promise<void> {
    this.#closing ??= this.#root.close();
    return this.#closing;
  }
}

function fromDisk(key: string, disk: DiskRecord): StoredRecord {
  return { key, valueJson: disk[0], version: disk[1], updatedAtMs: disk[2] };
}
