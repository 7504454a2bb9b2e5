// Tombstone collection. A delete leaves a tombstone so that a replica which missed the delete cannot
// bring the value back through read repair, hints or anti-entropy. Kept forever, tombstones would grow
// without bound, so each is erased once it is older than the grace period (--tombstone-grace-ms), by
// the wall time in its version: every replica holds the same version, so every replica collects the
// same tombstone at about the same time. The grace period is the promise: a replica away for less
// than it catches up before the tombstone goes; one away for longer discards its data on return
// (stale-data.ts) instead of handing old values out. As Cassandra's gc_grace_seconds.
//
// The sweep walks the store in key order, one bounded batch per tick, so a large store is collected
// a little at a time rather than in one long scan.

import type { Clock } from '../clock';
import type { Logger } from '../log';
import type { KvStore } from '../storage';
import { parseVersion } from '../version';

/** Records examined per tick. */
export const TOMBSTONE_SWEEP_BATCH_RECORDS = 1000;
/** Ticks come every grace/10, within these bounds: often enough for short test graces, rarely otherwise. */
export const TOMBSTONE_SWEEP_INTERVAL_MS_MIN = 100;
export const TOMBSTONE_SWEEP_INTERVAL_MS_MAX = 10_000;

export interface TombstoneCollectorOptions {
  readonly store: KvStore;
  readonly clock: Clock;
  readonly graceMs: number;
  readonly logger: Logger;
}

export class TombstoneCollector {
  readonly #options: TombstoneCollectorOptions;
  #afterKey: string | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | undefined;
  #closed = false;
  /** Totals since start, for /cluster/health and the log. */
  collected = 0;

  constructor(options: TombstoneCollectorOptions) {
    this.#options = options;
  }

  get intervalMs(): number {
    return Math.min(TOMBSTONE_SWEEP_INTERVAL_MS_MAX, Math.max(TOMBSTONE_SWEEP_INTERVAL_MS_MIN, Math.floor(this.#options.graceMs / 10)));
  }

  start(): void {
    if (this.#timer !== undefined || this.#closed) return;
    const tick = () => {
      this.#running = this.sweepBatch()
        .then(() => undefined)
        .catch((error: unknown) => this.#options.logger.error('tombstones.sweep_failed', { error: error instanceof Error ? error.message : String(error) }))
        .finally(() => {
          this.#running = undefined;
          if (!this.#closed) this.#timer = setTimeout(tick, this.intervalMs).unref();
        });
    };
    this.#timer = setTimeout(tick, this.intervalMs).unref();
  }

  /** Examines the next batch of records; erases tombstones past the grace period. Returns how many. */
  async sweepBatch(): Promise<number> {
    const { store, clock, graceMs, logger } = this.#options;
    const page = store.scan({ afterKey: this.#afterKey, limit: TOMBSTONE_SWEEP_BATCH_RECORDS, includeTombstones: true });
    const cutoffMs = clock.nowMs() - graceMs;
    let collected = 0;
    for (const record of page.records) {
      if (record.valueJson !== null) continue;
      const wallMs = parseVersion(record.version)?.wallMs;
      if (wallMs !== undefined && wallMs < cutoffMs && (await store.erase(record.key, record.version))) collected++;
    }
    // No resume point means the scan reached the end: the next batch starts the next sweep.
    this.#afterKey = page.resumeAfterKey;
    this.collected += collected;
    if (collected > 0) logger.info('tombstones.collected', { count: collected, total: this.collected, graceMs });
    return collected;
  }

  /** Stops the sweep, waiting for a batch in progress. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    await this.#running;
  }
}
