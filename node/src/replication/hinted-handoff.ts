// Hinted handoff's delivery half (Dynamo §4.6): on its own tick, for every node this stand-in holds
// hints for that membership says is alive and that is connected, sends the hints as ordinary replica
// writes, in bounded batches with a bounded number in flight, and deletes each hint once its target
// acknowledged it. Applied or not: either way the target now holds that version or a newer one.
//
// Deviation from Dynamo: hints for a member that never returns stay (bounded by the hint store) until
// it does; there is no expiry yet, and anti-entropy is what repairs a replica that was replaced.

import { HINT_DELIVERY_BATCH_MAX, HINT_DELIVERY_BATCHES_PER_TICK_MAX, HINT_DELIVERY_CONCURRENCY_MAX, HINT_DELIVERY_INTERVAL_MS } from '../limits';
import type { Logger } from '../log';
import type { StoredRecord } from '../storage';
import type { HintLedger } from './hint-ledger';
import type { ReplicaDirectory } from './placement';
import { forEachBounded } from './for-each-bounded';
import type { Replica } from './replica';

/** Whether a hint's target can take it now: alive in membership, with a connection up. */
export interface HandoffReachability {
  isHealthy(nodeId: string): boolean;
  isConnected(nodeId: string): boolean;
}

export interface HintedHandoffOptions {
  readonly ledger: HintLedger;
  readonly directory: ReplicaDirectory;
  readonly reachability: HandoffReachability;
  readonly logger: Logger;
  readonly intervalMs?: number;
  readonly batchMax?: number;
  readonly batchesPerTickMax?: number;
  readonly concurrencyMax?: number;
}

export class HintedHandoff {
  readonly #options: HintedHandoffOptions;
  readonly #batchMax: number;
  readonly #batchesPerTickMax: number;
  readonly #concurrencyMax: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #running: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  /** Delivery attempts that failed (the target did not acknowledge in time); retried next tick. */
  failed = 0;

  constructor(options: HintedHandoffOptions) {
    this.#options = options;
    this.#batchMax = options.batchMax ?? HINT_DELIVERY_BATCH_MAX;
    this.#batchesPerTickMax = options.batchesPerTickMax ?? HINT_DELIVERY_BATCHES_PER_TICK_MAX;
    this.#concurrencyMax = options.concurrencyMax ?? HINT_DELIVERY_CONCURRENCY_MAX;
  }

  start(): void {
    if (this.#timer !== undefined || this.#closing !== undefined) return;
    this.#timer = setInterval(() => void this.tick(), this.#options.intervalMs ?? HINT_DELIVERY_INTERVAL_MS);
    this.#timer.unref();
  }

  /** One delivery pass over every reachable target; a pass still running is joined, not doubled. */
  tick(): Promise<void> {
    if (this.#closing !== undefined) return Promise.resolve();
    this.#running ??= this.#pass().finally(() => (this.#running = undefined));
    return this.#running;
  }

  /** Stops the tick and waits for a pass in flight (each write is bounded by the quorum deadline). Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      clearInterval(this.#timer);
      await this.#running;
    })();
    return this.#closing;
  }

  async #pass(): Promise<void> {
    const { ledger, reachability } = this.#options;
    for (const { nodeId } of ledger.store.stats().byTarget) {
      if (this.#closing !== undefined) return;
      if (reachability.isHealthy(nodeId) && reachability.isConnected(nodeId)) await this.#deliverTo(nodeId);
    }
  }

  async #deliverTo(target: string): Promise<void> {
    const { ledger, directory, reachability, logger } = this.#options;
    let afterKey: string | undefined;
    for (let batchIndex = 0; batchIndex < this.#batchesPerTickMax && this.#closing === undefined; batchIndex++) {
      const batch = ledger.store.batch(target, this.#batchMax, afterKey);
      const replica = directory.replica(target);
      if (batch.length === 0 || replica === undefined || !reachability.isConnected(target)) return;
      // Once one write fails (the target is struggling) or the service closes, no more are started:
      // close then waits for at most one round of writes in flight, each bounded by the quorum deadline.
      let failed = 0;
      const stop = () => failed > 0 || this.#closing !== undefined;
      const outcomes = await forEachBounded(batch, this.#concurrencyMax, stop, async (record) => {
        const delivered = await this.#deliver(replica, target, record);
        if (!delivered) failed += 1;
        return delivered;
      });
      const count = outcomes.filter((delivered) => delivered === true).length;
      this.failed += failed;
      ledger.countDelivered(count);
      const remaining = ledger.store.stats().byTarget.find((entry) => entry.nodeId === target)?.count ?? 0;
      logger.info('hints.delivered', { to: target, count, failed, remaining });
      // A target that failed some is struggling: the rest waits for the next tick.
      if (stop()) return;
      afterKey = batch[batch.length - 1]!.key;
    }
  }

  /** Sends one hint; once acknowledged, deletes it (unless a newer hint replaced it meanwhile). */
  async #deliver(replica: Replica, target: string, record: StoredRecord): Promise<boolean> {
    try {
      await replica.write(record);
    } catch {
      return false;
    }
    await this.#options.ledger.store.remove(target, record.key, record.version);
    return true;
  }
}
