// The stand-in's side of hinted handoff (Dynamo §4.6): takes the writes a coordinator sends here on
// behalf of a down replica and keeps them in the hint store, refusing them when the store is full, and
// counts what happens to hints for /cluster/health and /metrics. Delivery is HintedHandoff's job.
//
// A refused hint fails the write on this stand-in (503 unavailable, reason hints_full): the coordinator
// then does not count it toward W, so an acknowledged write never rests on a hint that was not kept.

import { SwarmError } from '../errors';
import { HINT_OVERFLOW_LOG_INTERVAL_MS } from '../limits';
import type { Logger } from '../log';
import type { Hint, HintStore } from '../storage';
import type { StoredRecord } from '../storage';
import type { ReplicaWriteAck } from './replica';

/** The hint section of /cluster/health. */
export interface HintHealth {
  readonly pending: number;
  readonly bytes: number;
  readonly byTarget: { readonly nodeId: string; readonly count: number }[];
  /** Hints refused because the store was full, since this process started. */
  readonly overflowed: number;
  /** Hints delivered to their target and acknowledged, since this process started. */
  readonly delivered: number;
  /** Hints this node kept as coordinator for replicas that failed a write others acknowledged (missed-replicas.ts), since it started. */
  readonly missed: number;
}

/** Hints read and deleted per batch when a removed member's hints are dropped. */
const HINT_DROP_BATCH_MAX = 500;

export interface HintLedgerOptions {
  readonly nowMs?: () => number;
}

export class HintLedger {
  readonly store: HintStore;
  readonly #logger: Logger;
  readonly #nowMs: () => number;
  #overflowed = 0;
  #delivered = 0;
  #missed = 0;
  /** Refusals since the last overflow line, and when that line was written. */
  #unloggedOverflows = 0;
  #lastOverflowLogMs = Number.NEGATIVE_INFINITY;

  constructor(store: HintStore, logger: Logger, options: HintLedgerOptions = {}) {
    this.store = store;
    this.#logger = logger;
    this.#nowMs = options.nowMs ?? (() => performance.now());
  }

  /** Keeps a record owed to `target`; resolves like a replica write, or fails when the store is full. */
  async accept(target: string, record: StoredRecord): Promise<ReplicaWriteAck> {
    const put = await this.store.put(target, record);
    if (put.outcome === 'stored') return { applied: true, version: record.version };
    if (put.outcome === 'kept') return { applied: false, version: put.version };
    this.#overflow(target);
    throw new SwarmError('unavailable', `this stand-in's hint store is full (${this.store.bounds.hintsMax} hints, ${this.store.bounds.hintBytesMax} bytes)`, { reason: 'hints_full' });
  }

  /**
   * Keeps a write that `target` missed while its co-replicas acknowledged it (this node coordinated it).
   * Never throws: the client is answered already, so a full store only counts the refusal (the copy is
   * then left to read repair and anti-entropy), and a store error is logged.
   */
  keepMissed(target: string, record: StoredRecord): void {
    this.store.put(target, record).then(
      (put) => {
        if (put.outcome === 'stored') this.#missed += 1;
        else if (put.outcome === 'full') this.#overflow(target);
      },
      (error: unknown) => this.#logger.warn('hints.keep_failed', { target, key: record.key, error: error instanceof Error ? error.message : String(error) }),
    );
  }

  forKey(key: string): Hint[] {
    return this.store.forKey(key);
  }

  /** Called by delivery once a target acknowledged hints. */
  countDelivered(count: number): void {
    this.#delivered += count;
  }

  /**
   * Deletes every hint owed to `target` (a member removed for good: nothing will be delivered to it),
   * a batch at a time; resolves with how many it deleted.
   */
  async dropFor(target: string): Promise<number> {
    let dropped = 0;
    for (;;) {
      const batch = this.store.batch(target, HINT_DROP_BATCH_MAX);
      let droppedNow = 0;
      for (const record of batch) if (await this.store.remove(target, record.key, record.version)) droppedNow += 1;
      dropped += droppedNow;
      // Nothing deleted: the batch was rewritten under us (newer hints); they are left for a later drop.
      if (batch.length < HINT_DROP_BATCH_MAX || droppedNow === 0) return dropped;
    }
  }

  health(): HintHealth {
    const { count, bytes, byTarget } = this.store.stats();
    return { pending: count, bytes, byTarget, overflowed: this.#overflowed, delivered: this.#delivered, missed: this.#missed };
  }

  #overflow(target: string): void {
    this.#overflowed += 1;
    this.#unloggedOverflows += 1;
    const now = this.#nowMs();
    if (now - this.#lastOverflowLogMs < HINT_OVERFLOW_LOG_INTERVAL_MS) return;
    const { count, bytes } = this.store.stats();
    const { hintsMax, hintBytesMax } = this.store.bounds;
    this.#logger.warn('hints.overflow', { target, refused: this.#unloggedOverflows, overflowed: this.#overflowed, pending: count, bytes, hintsMax, hintBytesMax });
    this.#unloggedOverflows = 0;
    this.#lastOverflowLogMs = now;
  }
}
