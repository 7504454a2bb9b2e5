// The durable hint engine: a named sub-database of the node's LMDB environment (the one LmdbStore
// opened), so a hint is as durable as a record: `put` resolves once the transaction holding it is
// committed and, with the `flush` policy, fsynced. Keyed target + key (see hintSlot), so one target's
// hints are one range. The totals live beside them, updated in the same transaction; the per-key and
// per-target index is rebuilt from the keys alone when the store opens.

import type { Database, RootDatabase } from 'lmdb';
import { assert } from '../assert';
import type { SyncPolicy } from '../config';
import { decideHint, HINT_TARGET_CHARS, HintIndex, hintBytes, hintSlot, type Hint, type HintBounds, type HintPutOutcome, type HintStats, type HintStore } from './hint-store';
import type { StoredRecord } from './stored-record';
import { moveToUtf8Keys, openUtf8Keyed } from './lmdb-keys';

/** On disk a hint is [valueJson | null, version, updatedAtMs], like a record. */
type DiskHint = [string | null, string, number];

const TOTALS = 'totals';

export class LmdbHintStore implements HintStore {
  readonly engine = 'lmdb' as const;
  readonly bounds: HintBounds;
  readonly #root: RootDatabase;
  readonly #hints: Database<DiskHint, string>;
  readonly #meta: Database<unknown, string>;
  readonly #syncPolicy: SyncPolicy;
  readonly #index = new HintIndex();
  #closing: Promise<void> | undefined;

  constructor(root: RootDatabase, syncPolicy: SyncPolicy, bounds: HintBounds) {
    this.#root = root;
    this.#syncPolicy = syncPolicy;
    this.bounds = bounds;
    this.#meta = root.openDB<unknown, string>({ name: 'hints-meta' });
    moveToUtf8Keys(root, this.#meta, 'hints');
    this.#hints = openUtf8Keyed<DiskHint>(root, 'hints');
    for (const slot of this.#hints.getKeys({ start: '' })) this.#index.stored(slot.slice(0, HINT_TARGET_CHARS), slot.slice(HINT_TARGET_CHARS), 0, undefined);
    const totals = this.#meta.get(TOTALS) as { bytes: number } | undefined;
    this.#index.bytes = totals?.bytes ?? 0;
  }

  async put(target: string, record: StoredRecord): Promise<HintPutOutcome> {
    assert(this.#closing === undefined, 'hint put after close');
    const slot = hintSlot(target, record.key);
    const decision = await this.#hints.transaction(() => {
      const held = this.#read(slot, record.key);
      const outcome = decideHint(this.#index, this.bounds, target, held, record);
      if (outcome.outcome !== 'stored') return outcome;
      this.#index.stored(target, record.key, hintBytes(target, record), held === undefined ? undefined : hintBytes(target, held));
      this.#hints.put(slot, [record.valueJson, record.version, record.updatedAtMs]);
      this.#meta.put(TOTALS, { bytes: this.#index.bytes });
      return outcome;
    });
    if (decision.outcome === 'stored') await this.#durable();
    return decision;
  }

  forKey(key: string): Hint[] {
    return this.#index.targetsOf(key).flatMap((target) => {
      const record = this.#read(hintSlot(target, key), key);
      return record === undefined ? [] : [{ target, record }];
    });
  }

  batch(target: string, limit: number, afterKey?: string): StoredRecord[] {
    const records: StoredRecord[] = [];
    for (const { key: slot, value } of this.#hints.getRange({ start: hintSlot(target, afterKey ?? '') })) {
      if (records.length >= limit || !slot.startsWith(target)) break;
      const key = slot.slice(HINT_TARGET_CHARS);
      if (afterKey !== undefined && key === afterKey) continue;
      records.push(fromDisk(key, value));
    }
    return records;
  }

  async remove(target: string, key: string, version: string): Promise<boolean> {
    assert(this.#closing === undefined, 'hint remove after close');
    const slot = hintSlot(target, key);
    const removed = await this.#hints.transaction(() => {
      const held = this.#read(slot, key);
      if (held === undefined || held.version !== version) return false;
      this.#hints.remove(slot);
      this.#index.removed(target, key, hintBytes(target, held));
      this.#meta.put(TOTALS, { bytes: this.#index.bytes });
      return true;
    });
    if (removed) await this.#durable();
    return removed;
  }

  stats(): HintStats {
    return this.#index.stats();
  }

  /** The environment is LmdbStore's, closed with it; this only stops further writes. */
  close(): Promise<void> {
    this.#closing ??= Promise.resolve();
    return this.#closing;
  }

  #read(slot: string, key: string): StoredRecord | undefined {
    const disk = this.#hints.get(slot);
    return disk === undefined ? undefined : fromDisk(key, disk);
  }

  async #durable(): Promise<void> {
    if (this.#syncPolicy === 'flush') await this.#root.flushed;
  }
}

function fromDisk(key: string, disk: DiskHint): StoredRecord {
  return { key, valueJson: disk[0], version: disk[1], updatedAtMs: disk[2] };
}
