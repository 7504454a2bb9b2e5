// The other half of the tombstone grace period (tombstone-collector.ts): a node that was away for
// longer than it may hold values whose tombstones the other replicas have since collected; handing
// those out (to read repair, hints or anti-entropy) would bring deleted keys back. So a clustered node
// records, durably and every so often, that it is alive; on start, if that mark is older than the grace
// period, it discards its data before joining and lets replication refill it from the other replicas.
// What only this node held and never replicated within the grace period is lost: that is the price
// Cassandra's operators pay by hand (wipe and rebuild a node down past gc_grace); here it is automatic.

import type { Clock } from '../clock';
import type { Logger } from '../log';
import type { HintStore, KvStore } from '../storage';

export const ALIVE_MARK_META = 'alive-at';
/** How often the mark is written: fine-grained against the grace period, cheap against the disk. */
export const ALIVE_MARK_INTERVAL_MS_MAX = 30_000;
/** Records erased per batch while discarding. */
const DISCARD_BATCH_RECORDS = 1000;

export interface StaleDataOptions {
  readonly store: KvStore;
  /** Hints this node holds for others are as old as its data, and go with it. */
  readonly hintStore?: HintStore;
  readonly clock: Clock;
  readonly graceMs: number;
  readonly logger: Logger;
}

/** Erases every record if the node's last alive mark is older than the grace period; returns how many. */
export async function discardIfStale(options: StaleDataOptions): Promise<number> {
  const { store, clock, graceMs, logger } = options;
  const markedMs = Number(store.getMeta(ALIVE_MARK_META));
  if (!Number.isFinite(markedMs) || markedMs <= 0) return 0;
  const awayMs = clock.nowMs() - markedMs;
  if (awayMs <= graceMs) return 0;
  let discarded = 0;
  for (;;) {
    const page = store.scan({ limit: DISCARD_BATCH_RECORDS, includeTombstones: true });
    let erased = 0;
    for (const record of page.records) if (await store.erase(record.key, record.version)) erased++;
    discarded += erased;
    if (erased === 0) break;
  }
  const hints = options.hintStore === undefined ? 0 : await discardHints(options.hintStore);
  logger.warn('storage.stale_data_discarded', { records: discarded, hints, awayMs, graceMs });
  return discarded + hints;
}

async function discardHints(hintStore: HintStore): Promise<number> {
  let discarded = 0;
  for (const { nodeId } of hintStore.stats().byTarget) {
    for (;;) {
      const batch = hintStore.batch(nodeId, DISCARD_BATCH_RECORDS);
      let removed = 0;
      for (const record of batch) if (await hintStore.remove(nodeId, record.key, record.version)) removed++;
      discarded += removed;
      if (removed === 0) break;
    }
  }
  return discarded;
}

/** Writes the alive mark now and then every interval until closed. */
export class AliveMarker {
  readonly #options: StaleDataOptions;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: StaleDataOptions) {
    this.#options = options;
  }

  get intervalMs(): number {
    return Math.max(1, Math.min(ALIVE_MARK_INTERVAL_MS_MAX, Math.floor(this.#options.graceMs / 10)));
  }

  async start(): Promise<void> {
    await this.#mark();
    this.#timer ??= setInterval(() => void this.#mark(), this.intervalMs);
    this.#timer.unref();
  }

  /** Stops the marking, after a last mark: a clean stop counts as the last moment alive. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#mark();
  }

  async #mark(): Promise<void> {
    try {
      await this.#options.store.setMeta(ALIVE_MARK_META, String(this.#options.clock.nowMs()));
    } catch (error) {
      this.#options.logger.error('storage.alive_mark_failed', { error: error instanceof Error ? error.message : String(error) });
    }
  }
}
