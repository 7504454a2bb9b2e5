// The ephemeral engine (`--memory`): the emulator mode, where a restart forgets everything. It keeps the
// LMDB engine's semantics exactly (key order, tombstones, atomic decisions) and runs the same tests.

import sortedBtree from 'sorted-btree';
import { assert } from '../assert';
import { SwarmError } from '../errors';
import { compareKeys } from './key-order';
import { countDelta, decideBatch, type KeyedDecision, type KvStore, type MetaEntry, type ScanOptions, type ScanPage, type StoreStats, type WriteDecision } from './kv-store';
import { scanInOrder } from './scan-in-order';
import { recordPayloadBytes, type StoredRecord } from './stored-record';

// sorted-btree is CommonJS exporting `exports.default`: Bun's interop hands us that default, Node's
// (and Bun's bundle for Node) the whole module object. Accept either.
const BTree = (sortedBtree as unknown as { default?: typeof sortedBtree }).default ?? sortedBtree;

export class MemoryStore implements KvStore {
  readonly engine = 'memory' as const;
  readonly #records: sortedBtree<string, StoredRecord> = new BTree<string, StoredRecord>(undefined, compareKeys);
  readonly #meta = new Map<string, string>();
  #live = 0;
  #tombstones = 0;
  #bytes = 0;
  #closing: Promise<void> | undefined;
  readonly #bytesMax: number;

  /** `bytesMax`: keys, values and versions held at most; a write that would grow past it is refused. */
  constructor(bytesMax = Number.MAX_SAFE_INTEGER) {
    this.#bytesMax = bytesMax;
  }

  get(key: string): StoredRecord | undefined {
    return this.#records.get(key);
  }

  async write(key: string, decide: WriteDecision): Promise<StoredRecord | undefined> {
    const [written] = await this.writeMany([{ key, decide }]);
    return written;
  }

  async writeMany(entries: readonly KeyedDecision[], alsoSetMeta?: MetaEntry): Promise<(StoredRecord | undefined)[]> {
    assert(this.#closing === undefined, 'write after close');
    const decided = decideBatch(entries, (key) => this.#records.get(key));
    let growthBytes = 0;
    for (const { current, next } of decided) {
      if (next !== undefined) growthBytes += recordPayloadBytes(next) - (current === undefined ? 0 : recordPayloadBytes(current));
    }
    // Only growth is refused: a delete or a smaller value always goes through, so a full node can be emptied.
    if (growthBytes > 0 && this.#bytes + growthBytes > this.#bytesMax) {
      throw new SwarmError('insufficient_storage', `this node's in-memory store is full (${this.#bytes} of ${this.#bytesMax} bytes; --memory-bytes-max); delete keys or add nodes`, {
        bytes: this.#bytes,
        bytesMax: this.#bytesMax,
      });
    }
    for (const { key, current, next } of decided) {
      if (next === undefined) continue;
      const delta = countDelta(current, next);
      this.#live += delta.live;
      this.#tombstones += delta.tombstones;
      this.#records.set(key, next);
    }
    this.#bytes += growthBytes;
    if (alsoSetMeta !== undefined) this.#meta.set(alsoSetMeta.name, alsoSetMeta.value);
    return decided.map((outcome) => outcome.next);
  }

  async erase(key: string, version: string): Promise<boolean> {
    assert(this.#closing === undefined, 'erase after close');
    const current = this.#records.get(key);
    if (current === undefined || current.version !== version) return false;
    if (current.valueJson === null) this.#tombstones -= 1;
    else this.#live -= 1;
    this.#bytes -= recordPayloadBytes(current);
    this.#records.delete(key);
    return true;
  }

  scan(options: ScanOptions): ScanPage {
    const start = options.afterKey ?? options.prefix ?? '';
    const records = this.#records;
    return scanInOrder(
      (function* () {
        for (const [, record] of records.entries(start)) yield record;
      })(),
      options,
    );
  }

  stats(): StoreStats {
    return { liveKeys: this.#live, tombstones: this.#tombstones, bytes: this.#bytes };
  }

  getMeta(name: string): string | undefined {
    return this.#meta.get(name);
  }

  async setMeta(name: string, value: string): Promise<void> {
    this.#meta.set(name, value);
  }

  close(): Promise<void> {
    this.#closing ??= Promise.resolve();
    return this.#closing;
  }
}
