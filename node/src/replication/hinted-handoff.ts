// Hinted handoff's delivery half (Dynamo §4.6): on its own tick, for every node this stand-in holds
// hints for that membership says is alive and that is connected, sends the hints in bounded batches,
// each as one batch of replica writes (replica-batch.ts), and deletes a batch's hints once its target
// acknowledged it. Applied or not: either way the target now holds that version or a newer one.
//
// Deviation from Dynamo: hints for a member that never returns stay (bounded by the hint store) until
// it does; there is no expiry yet, and anti-entropy is what repairs a replica that was replaced.

import { HINT_DELIVERY_BATCH_MAX, HINT_DELIVERY_BATCHES_PER_TICK_MAX, HINT_DELIVERY_INTERVAL_MS } from '../limits';
import type { Logger } from '../log';
import type { StoredRecord } from '../storage';
import type { HintLedger } from './hint-ledger';
import type { BatchReplica, BatchReplicaDirectory } from './replica';

/** Whether a hint's target can take it now: alive in membership, with a connection up. */
export interface HandoffReachability {
  isHealthy(nodeId: string): boolean;
  isConnected(nodeId: string): boolean;
}

export interface HintedHandoffOptions {
  readonly ledger: HintLedger;
  readonly directory: BatchReplicaDirectory;
  readonly reachability: HandoffReachability;
  readonly logger: Logger;
  readonly intervalMs?: number;
  readonly batchMax?: number;
  readonly batchesPerTickMax?: number;
}

export class HintedHandoff {
  readonly #options: HintedHandoffOptions;
  readonly #batchMax: number;
  readonly #batchesPerTickMax: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #running: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  /** Hints whose delivery failed (the target did not acknowledge their batch in time); retried next tick. */
  failed = 0;

  constructor(options: HintedHandoffOptions) {
    this.#options = options;
    this.#batchMax = options.batchMax ?? HINT_DELIVERY_BATCH_MAX;
    this.#batchesPerTickMax = options.batchesPerTickMax ?? HINT_DELIVERY_BATCHES_PER_TICK_MAX;
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

  /** Stops the tick and waits for a pass in flight (one batch, bounded by REPLICA_WRITE_BATCH_TIMEOUT_MS). Idempotent. */
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
      const replica = directory.batchReplica(target);
      if (batch.length === 0 || replica === undefined || !reachability.isConnected(target)) return;
      const delivered = await this.#deliver(replica, target, batch);
      const count = delivered ? batch.length : 0;
      this.failed += batch.length - count;
      ledger.countDelivered(count);
      const remaining = ledger.store.stats().byTarget.find((entry) => entry.nodeId === target)?.count ?? 0;
      logger.info('hints.delivered', { to: target, count, failed: batch.length - count, remaining });
      // A target that failed a batch is struggling: the rest waits for the next tick.
      if (!delivered) return;
      afterKey = batch[batch.length - 1]!.key;
    }
  }

  /** Sends a batch of hints; once acknowledged, deletes them (except those a newer hint replaced meanwhile). */
  async #deliver(replica: BatchReplica, target: string, records: readonly StoredRecord[]): Promise<boolean> {
    try {
      await replica.writeBatch(records);
    } catch {
      return false;
    }
    const { store } = this.#options.ledger;
    await Promise.all(records.map((record) => store.remove(target, record.key, record.version)));
    return true;
  }
}
