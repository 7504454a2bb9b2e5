// Hints for hinted handoff (Dynamo §4.6): records a stand-in holds on behalf of an intended replica that
// was down when they were written, kept apart from the main keyspace until they can be delivered. Two
// engines implement it (LMDB, in a named sub-database of the node's environment, and memory) and run one
// contract suite. A hint is keyed by (target node, key): one per pair, the newest version winning.
//
// Bounded in count and bytes. A hint that would cross either bound is refused ('full'), never queued
// in memory: the stand-in then fails the write, so a full hint store cannot make a write look durable.

import { assert } from '../assert';
import type { StoredRecord } from './stored-record';
import { recordPayloadBytes } from './stored-record';

export interface HintBounds {
  readonly hintsMax: number;
  readonly hintBytesMax: number;
}

export interface Hint {
  /** The intended replica the record is owed to. */
  readonly target: string;
  readonly record: StoredRecord;
}

/**
 * What became of a hint: stored (new, or newer than the one held), kept (the store already holds this
 * version or a newer one, named), or full (refused: a bound would be crossed).
 */
export type HintPutOutcome = { readonly outcome: 'stored' } | { readonly outcome: 'kept'; readonly version: string } | { readonly outcome: 'full' };

export interface HintStats {
  readonly count: number;
  readonly bytes: number;
  /** Hints per target node, largest backlog first. */
  readonly byTarget: { readonly nodeId: string; readonly count: number }[];
}

export interface HintStore {
  readonly engine: 'lmdb' | 'memory';
  readonly bounds: HintBounds;
  /** Stores a hint for `target` unless a newer-or-equal one is held or a bound would be crossed. */
  put(target: string, record: StoredRecord): Promise<HintPutOutcome>;
  /** Every hint held for this key, whatever its target. Synchronous, like KvStore.get. */
  forKey(key: string): Hint[];
  /** Up to `limit` hints owed to `target`, in key order, starting after `afterKey` when given. */
  batch(target: string, limit: number, afterKey?: string): StoredRecord[];
  /**
   * Deletes the hint for (target, key) if it still has `version` (a newer one written meanwhile stays
   * to be delivered). Resolves true when it deleted one.
   */
  remove(target: string, key: string, version: string): Promise<boolean>;
  stats(): HintStats;
  /** Idempotent: later calls return the first call's promise. */
  close(): Promise<void>;
}

/** Bytes one hint is counted as: its record's payload and the target's id. */
export function hintBytes(target: string, record: StoredRecord): number {
  return Buffer.byteLength(target) + recordPayloadBytes(record);
}

/**
 * The bookkeeping both engines share: which targets hold a hint for each key, hints per target, and
 * the totals the bounds are checked against. Bounded by the store's count bound.
 */
export class HintIndex {
  readonly #targetsByKey = new Map<string, Set<string>>();
  readonly #countByTarget = new Map<string, number>();
  count = 0;
  bytes = 0;

  /** Whether a hint of `bytes` may replace one of `heldBytes` (undefined: none held) within the bounds. */
  admits(bounds: HintBounds, bytes: number, heldBytes: number | undefined): boolean {
    const count = this.count + (heldBytes === undefined ? 1 : 0);
    return count <= bounds.hintsMax && this.bytes - (heldBytes ?? 0) + bytes <= bounds.hintBytesMax;
  }

  /** Records a hint stored for (target, key); `heldBytes` is the one it replaced, if any. */
  stored(target: string, key: string, bytes: number, heldBytes: number | undefined): void {
    this.bytes += bytes - (heldBytes ?? 0);
    if (heldBytes !== undefined) return;
    this.count += 1;
    this.#countByTarget.set(target, (this.#countByTarget.get(target) ?? 0) + 1);
    let targets = this.#targetsByKey.get(key);
    if (targets === undefined) this.#targetsByKey.set(key, (targets = new Set()));
    targets.add(target);
  }

  removed(target: string, key: string, bytes: number): void {
    this.count -= 1;
    this.bytes -= bytes;
    const left = (this.#countByTarget.get(target) ?? 1) - 1;
    if (left === 0) this.#countByTarget.delete(target);
    else this.#countByTarget.set(target, left);
    const targets = this.#targetsByKey.get(key);
    targets?.delete(target);
    if (targets?.size === 0) this.#targetsByKey.delete(key);
  }

  targetsOf(key: string): string[] {
    return [...(this.#targetsByKey.get(key) ?? [])];
  }

  stats(): HintStats {
    const byTarget = [...this.#countByTarget].map(([nodeId, count]) => ({ nodeId, count })).sort((a, b) => b.count - a.count || (a.nodeId < b.nodeId ? -1 : 1));
    return { count: this.count, bytes: this.bytes, byTarget };
  }
}

/**
 * The one rule for an incoming hint against the one held: a newer version replaces it, within the
 * bounds. Versions compare as strings (their encoding is fixed-width, see version/version.ts).
 */
export function decideHint(index: HintIndex, bounds: HintBounds, target: string, held: StoredRecord | undefined, incoming: StoredRecord): HintPutOutcome {
  if (held !== undefined && !(incoming.version > held.version)) return { outcome: 'kept', version: held.version };
  const heldBytes = held === undefined ? undefined : hintBytes(target, held);
  return index.admits(bounds, hintBytes(target, incoming), heldBytes) ? { outcome: 'stored' } : { outcome: 'full' };
}

/** A target is a node id: 16 hex digits (NODE_ID_HEX_DIGITS in version/version.ts, a layer storage does not import). */
export const HINT_TARGET_CHARS = 16;

/** Where a hint lives in an engine's ordered map: targets are fixed-width, so the target is a prefix. */
export function hintSlot(target: string, key: string): string {
  assert(target.length === HINT_TARGET_CHARS, 'a hint target is a node id');
  return `${target}${key}`;
}
