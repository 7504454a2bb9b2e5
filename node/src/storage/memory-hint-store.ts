// The ephemeral hint engine (`--memory`): the LMDB hint engine's semantics in an ordered map, run
// against the same contract suite. A restart forgets its hints, as it forgets the main store.

import sortedBtree from 'sorted-btree';
import { assert } from '../assert';
import { decideHint, HintIndex, hintSlot, hintBytes, type Hint, type HintBounds, type HintPutOutcome, type HintStats, type HintStore } from './hint-store';
import { compareKeys } from './key-order';
import type { StoredRecord } from './stored-record';

// See memory-store.ts: sorted-btree's default export differs between Bun's and Node's interop.
const BTree = (sortedBtree as unknown as { default?: typeof sortedBtree }).default ?? sortedBtree;

export class MemoryHintStore implements HintStore {
  readonly engine = 'memory' as const;
  readonly bounds: HintBounds;
  readonly #hints: sortedBtree<string, StoredRecord> = new BTree<string, StoredRecord>(undefined, compareKeys);
  readonly #index = new HintIndex();
  #closing: Promise<void> | undefined;

  constructor(bounds: HintBounds) {
    this.bounds = bounds;
  }

  async put(target: string, record: StoredRecord): Promise<HintPutOutcome> {
    assert(this.#closing === undefined, 'hint put after close');
    const slot = hintSlot(target, record.key);
    const held = this.#hints.get(slot);
    const decision = decideHint(this.#index, this.bounds, target, held, record);
    if (decision.outcome !== 'stored') return decision;
    this.#index.stored(target, record.key, hintBytes(target, record), held === undefined ? undefined : hintBytes(target, held));
    this.#hints.set(slot, record);
    return decision;
  }

  forKey(key: string): Hint[] {
    return this.#index.targetsOf(key).flatMap((target) => {
      const record = this.#hints.get(hintSlot(target, key));
      return record === undefined ? [] : [{ target, record }];
    });
  }

  batch(target: string, limit: number, afterKey?: string): StoredRecord[] {
    const start = hintSlot(target, afterKey ?? '');
    const records: StoredRecord[] = [];
    for (const [slot, record] of this.#hints.entries(start)) {
      if (records.length >= limit || !slot.startsWith(target)) break;
      if (afterKey !== undefined && record.key === afterKey) continue;
      records.push(record);
    }
    return records;
  }

  async remove(target: string, key: string, version: string): Promise<boolean> {
    const slot = hintSlot(target, key);
    const held = this.#hints.get(slot);
    if (held === undefined || held.version !== version) return false;
    this.#hints.delete(slot);
    this.#index.removed(target, key, hintBytes(target, held));
    return true;
  }

  stats(): HintStats {
    return this.#index.stats();
  }

  close(): Promise<void> {
    this.#closing ??= Promise.resolve();
    return this.#closing;
  }
}
