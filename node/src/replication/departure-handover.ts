// What a node leaving its cluster cleanly hands over before it goes: the removal half of Dynamo's
// §4.9 (a departing node's key ranges move to the nodes that own them next), run by the node itself
// since it knows what it holds. Every hint it keeps goes on (to its target if that one is up, or to a
// stand-in for it), and a --memory node, whose store dies with the process, also sends every record it
// holds, tombstones included, to the key's replicas in the ring without it. A durable node keeps its
// store: it will be back, and its data is on disk.
//
// Records move as ordinary replica writes carrying their versions (last writer wins, so a successor
// holding something newer keeps it), in batches of `batchMax` with at most `writesInFlightMax` in
// flight, and all within `deadlineMs`. A successor that fails a write is asked nothing more (it is
// gone or struggling), so a departure whose successors all left too ends in milliseconds, not at the
// deadline. A record counts as handed over once one successor acknowledged it: the others get their
// copies from read repair and anti-entropy.

import type { Logger } from '../log';
import type { HintStore, KvStore, StoredRecord } from '../storage';
import { forEachBounded } from './for-each-bounded';
import type { Placement, ReplicaDirectory } from './placement';

export interface HandoverDeps {
  /** The departing node's own records: handed over only when `includeStore`. */
  readonly store: KvStore;
  readonly includeStore: boolean;
  /** Hints the departing node keeps for others: always handed on, and deleted once they are. */
  readonly hints: HintStore;
  /** Placement by the ring without the departing node. */
  readonly successors: Placement;
  readonly directory: ReplicaDirectory;
  readonly logger: Logger;
  readonly deadlineMs: number;
  readonly batchMax: number;
  readonly writesInFlightMax: number;
}

export interface HandoverOutcome {
  /** Records offered: hints and, for a --memory node, the store's. */
  readonly records: number;
  readonly handedOver: number;
  /** Records no successor acknowledged. */
  readonly failed: number;
  /** True when the deadline passed before every record was offered. */
  readonly cutShort: boolean;
  readonly ms: number;
}

/** One record to hand over; `owedTo` is set for a hint (deleted from the hint store once handed on). */
interface Parcel {
  readonly record: StoredRecord;
  readonly owedTo?: string;
}

/** The store and the hint store, a batch at a time, hints first (what this node owes others). */
function* parcels(deps: HandoverDeps): Generator<Parcel[]> {
  for (const { nodeId: owedTo } of deps.hints.stats().byTarget) {
    let afterKey: string | undefined;
    for (;;) {
      const batch = deps.hints.batch(owedTo, deps.batchMax, afterKey);
      if (batch.length === 0) break;
      yield batch.map((record) => ({ record, owedTo }));
      afterKey = batch[batch.length - 1]!.key;
    }
  }
  if (!deps.includeStore) return;
  let afterKey: string | undefined;
  for (;;) {
    const page = deps.store.scan({ limit: deps.batchMax, includeTombstones: true, ...(afterKey === undefined ? {} : { afterKey }) });
    if (page.records.length > 0) yield page.records.map((record) => ({ record }));
    if (page.resumeAfterKey === undefined) return;
    afterKey = page.resumeAfterKey;
  }
}

export class DepartureHandover {
  readonly #deps: HandoverDeps;
  /** Successors that failed a write: asked nothing more. */
  readonly #failedSuccessors = new Set<string>();

  constructor(deps: HandoverDeps) {
    this.#deps = deps;
  }

  async run(): Promise<HandoverOutcome> {
    const { deadlineMs, writesInFlightMax, logger } = this.#deps;
    const startedMs = performance.now();
    const pastDeadline = () => performance.now() - startedMs > deadlineMs;
    let records = 0;
    let handedOver = 0;
    let cutShort = false;
    for (const batch of parcels(this.#deps)) {
      if (pastDeadline()) {
        cutShort = true;
        break;
      }
      const outcomes = await forEachBounded(batch, writesInFlightMax, pastDeadline, (parcel) => this.#handOver(parcel));
      records += batch.length;
      handedOver += outcomes.filter((handed) => handed === true).length;
      cutShort ||= outcomes.includes(undefined);
    }
    const outcome = { records, handedOver, failed: records - handedOver, cutShort, ms: Math.round(performance.now() - startedMs) };
    if (outcome.failed > 0 || cutShort) logger.warn('departure.handover_incomplete', { ...outcome, failedSuccessors: [...this.#failedSuccessors] });
    else logger.info('departure.handover_completed', outcome);
    return outcome;
  }

  /** Sends one record to its successors; true once one of them acknowledged it. */
  async #handOver(parcel: Parcel): Promise<boolean> {
    const { successors, directory, hints } = this.#deps;
    const targets = successors.targetsFor(parcel.record.key).filter((target) => !this.#failedSuccessors.has(target.nodeId));
    const acknowledged = await Promise.all(
      targets.map(async (target) => {
        const replica = directory.replica(target.nodeId);
        try {
          if (replica === undefined) throw new Error('unreachable');
          await replica.write(parcel.record, target.standInFor === undefined ? {} : { hintFor: target.standInFor });
          return true;
        } catch {
          this.#failedSuccessors.add(target.nodeId);
          return false;
        }
      }),
    );
    if (!acknowledged.includes(true)) return false;
    if (parcel.owedTo !== undefined) await hints.remove(parcel.owedTo, parcel.record.key, parcel.record.version);
    return true;
  }
}
