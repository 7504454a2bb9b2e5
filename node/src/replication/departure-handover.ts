// What a node leaving its cluster hands over before it goes: the removal half of Dynamo's §4.9 (a
// departing node's key ranges move to the nodes that own them next), run by the node itself since it
// knows what it holds. Two callers use it:
// - a stop (SIGTERM): every hint goes on (to its target if that one is up, or to a stand-in for it), and
//   a --memory node, whose store dies with the process, also sends every record it holds, tombstones
//   included. A durable node keeps its store: it will be back, and its data is on disk. Time is short,
//   so a record counts as handed over once one successor acknowledged it: the others get their copies
//   from read repair and anti-entropy.
// - a leave (`swarmkv leave`, leave-procedure.ts): every record, then the keys that changed meanwhile,
//   and a record counts only once every successor acknowledged it, since the node is gone for good.
//
// Records move as replica writes carrying their versions (last writer wins, so a successor holding
// something newer keeps it and acknowledges), `batchMax` at a time: each batch goes to every successor
// at once, as one batch of writes per successor (replica-batch.ts; a message per record made a leave
// crawl at tens of records a second), and all within `deadlineMs`. A successor that fails a batch
// `writeAttemptsMax` times is asked nothing more (it is gone or struggling), so a departure whose
// successors all left too ends in milliseconds, not at the deadline.

import type { Logger } from '../log';
import { recordPayloadBytes, type HintStore, type KvStore, type StoredRecord } from '../storage';
import type { Placement, ReplicaTarget } from './placement';
import type { BatchReplicaDirectory } from './replica';

/** Which of the store's records to hand over: none (a durable node's stop), all, or these keys only. */
export type HandedOverRecords = 'none' | 'all' | ReadonlySet<string>;

export interface HandoverDeps {
  readonly store: KvStore;
  readonly records: HandedOverRecords;
  /** Hints the departing node keeps for others: always handed on, and deleted once they are. */
  readonly hints: HintStore;
  /** Placement by the ring without the departing node. */
  readonly successors: Placement;
  readonly directory: BatchReplicaDirectory;
  readonly logger: Logger;
  /** Prefix of the log events: `<label>.handover_completed`, `<label>.handover_incomplete`. */
  readonly label: 'departure' | 'leave';
  /** `one`: handed over once one successor acknowledged the record; `every`: once all of them did. */
  readonly acknowledgement: 'one' | 'every';
  readonly deadlineMs: number;
  readonly batchMax: number;
  /** Tries of one batch to one successor before it is asked nothing more. */
  readonly writeAttemptsMax: number;
  /** Failed keys remembered for a retry; past it the outcome says `many`. */
  readonly failedKeysMax?: number;
  /** Called after every batch with the totals so far. */
  readonly onProgress?: (progress: HandoverProgress) => void;
}

export interface HandoverProgress {
  /** Records offered so far: hints and store records. */
  readonly records: number;
  readonly handedOver: number;
  readonly bytes: number;
}

export interface HandoverOutcome extends HandoverProgress {
  /** Records not acknowledged as `acknowledgement` requires. */
  readonly failed: number;
  /** Keys of the store's records that failed or were never offered (at most `failedKeysMax`), or `many`. */
  readonly failedKeys: ReadonlySet<string> | 'many';
  /** True when the deadline passed before every record was offered. */
  readonly cutShort: boolean;
  readonly failedSuccessors: readonly string[];
  readonly ms: number;
}

/** The log events of each kind of hand-over. */
const HANDOVER_EVENTS = {
  departure: { completed: 'departure.handover_completed', incomplete: 'departure.handover_incomplete' },
  leave: { completed: 'leave.handover_completed', incomplete: 'leave.handover_incomplete' },
} as const;

/** Between two tries of a batch to a successor, times the try's number. */
const WRITE_RETRY_DELAY_MS = 100;

/** One record to hand over; `owedTo` is set for a hint (deleted from the hint store once handed on). */
interface Parcel {
  readonly record: StoredRecord;
  readonly owedTo?: string;
}

function* hintParcels(deps: HandoverDeps): Generator<Parcel[]> {
  for (const { nodeId: owedTo } of deps.hints.stats().byTarget) {
    let afterKey: string | undefined;
    for (;;) {
      const batch = deps.hints.batch(owedTo, deps.batchMax, afterKey);
      if (batch.length === 0) break;
      yield batch.map((record) => ({ record, owedTo }));
      afterKey = batch[batch.length - 1]!.key;
    }
  }
}

function* storeParcels(store: KvStore, records: HandedOverRecords, batchMax: number): Generator<Parcel[]> {
  if (records === 'none') return;
  if (records !== 'all') {
    const keys = [...records];
    for (let start = 0; start < keys.length; start += batchMax) {
      const batch = keys.slice(start, start + batchMax).flatMap((key) => store.get(key) ?? []);
      if (batch.length > 0) yield batch.map((record) => ({ record }));
    }
    return;
  }
  let afterKey: string | undefined;
  for (;;) {
    const page = store.scan({ limit: batchMax, includeTombstones: true, ...(afterKey === undefined ? {} : { afterKey }) });
    if (page.records.length > 0) yield page.records.map((record) => ({ record }));
    if (page.resumeAfterKey === undefined) return;
    afterKey = page.resumeAfterKey;
  }
}

/** The hint store and then the store, a batch at a time: what this node owes others first. */
function* parcels(deps: HandoverDeps): Generator<Parcel[]> {
  yield* hintParcels(deps);
  yield* storeParcels(deps.store, deps.records, deps.batchMax);
}

export class DepartureHandover {
  readonly #deps: HandoverDeps;
  /** Successors that failed a write: asked nothing more. */
  readonly #failedSuccessors = new Set<string>();
  #failedKeys: Set<string> | 'many' = new Set();

  constructor(deps: HandoverDeps) {
    this.#deps = deps;
  }

  async run(): Promise<HandoverOutcome> {
    const { deadlineMs, logger, label, onProgress } = this.#deps;
    const startedMs = performance.now();
    const pastDeadline = () => performance.now() - startedMs > deadlineMs;
    let records = 0;
    let handedOver = 0;
    let bytes = 0;
    let cutShort = false;
    for (const batch of parcels(this.#deps)) {
      if (pastDeadline()) {
        cutShort = true;
        this.#noteFailed(batch, []);
        break;
      }
      const outcomes = await this.#handOver(batch);
      this.#noteFailed(batch, outcomes);
      records += batch.length;
      handedOver += outcomes.filter((handed) => handed).length;
      bytes += batch.reduce((sum, parcel, index) => sum + (outcomes[index] === true ? recordPayloadBytes(parcel.record) : 0), 0);
      onProgress?.({ records, handedOver, bytes });
    }
    const ms = Math.round(performance.now() - startedMs);
    const outcome = { records, handedOver, bytes, failed: records - handedOver, cutShort, failedSuccessors: [...this.#failedSuccessors], ms };
    if (outcome.failed > 0 || cutShort) logger.warn(HANDOVER_EVENTS[label].incomplete, outcome);
    else logger.info(HANDOVER_EVENTS[label].completed, outcome);
    return { ...outcome, failedKeys: this.#failedKeys };
  }

  /** Remembers the store keys of a batch that were not handed over (a hint stays in the hint store anyway). */
  #noteFailed(batch: readonly Parcel[], outcomes: readonly boolean[]): void {
    if (this.#failedKeys === 'many') return;
    for (const [index, parcel] of batch.entries()) {
      if (outcomes[index] === true || parcel.owedTo !== undefined) continue;
      this.#failedKeys.add(parcel.record.key);
      if (this.#failedKeys.size > (this.#deps.failedKeysMax ?? 0)) {
        this.#failedKeys = 'many';
        return;
      }
    }
  }

  /**
   * Sends a batch to its records' successors, one batch of writes per successor (or stand-in), all at
   * once; per record, true once enough of them acknowledged it (then a hint is deleted).
   */
  async #handOver(batch: readonly Parcel[]): Promise<boolean[]> {
    const { successors, hints, acknowledgement } = this.#deps;
    const targetsOf = batch.map((parcel) => successors.targetsFor(parcel.record.key));
    const acknowledgements = await this.#writeGrouped(batch, targetsOf);
    const outcomes = targetsOf.map((targets, index) => (acknowledgement === 'every' ? targets.length > 0 && acknowledgements[index] === targets.length : acknowledgements[index]! > 0));
    await Promise.all(batch.map((parcel, index) => (outcomes[index] === true && parcel.owedTo !== undefined ? hints.remove(parcel.owedTo, parcel.record.key, parcel.record.version) : undefined)));
    return outcomes;
  }

  /** Groups the records by successor (and stand-in), writes each group; per record, the successors that acknowledged it. */
  async #writeGrouped(batch: readonly Parcel[], targetsOf: readonly ReplicaTarget[][]): Promise<number[]> {
    const groups = new Map<string, { target: ReplicaTarget; members: number[] }>();
    targetsOf.forEach((targets, index) => {
      for (const target of targets) {
        const id = `${target.nodeId}/${target.standInFor ?? ''}`;
        const group = groups.get(id) ?? { target, members: [] };
        group.members.push(index);
        groups.set(id, group);
      }
    });
    const acknowledgements = batch.map(() => 0);
    await Promise.all(
      [...groups.values()].map(async ({ target, members }) => {
        if (!(await this.#write(target, members.map((index) => batch[index]!.record)))) return;
        for (const index of members) acknowledgements[index]! += 1;
      }),
    );
    return acknowledgements;
  }

  /** One successor's batch, tried up to writeAttemptsMax times; a successor that keeps failing is dropped. */
  async #write(target: ReplicaTarget, records: readonly StoredRecord[]): Promise<boolean> {
    const options = target.standInFor === undefined ? {} : { hintFor: target.standInFor };
    for (let attempt = 1; attempt <= this.#deps.writeAttemptsMax; attempt++) {
      if (this.#failedSuccessors.has(target.nodeId)) return false;
      const replica = this.#deps.directory.batchReplica(target.nodeId);
      try {
        if (replica === undefined) throw new Error('unreachable');
        await replica.writeBatch(records, options);
        return true;
      } catch {
        if (attempt < this.#deps.writeAttemptsMax) await new Promise((resolve) => setTimeout(resolve, WRITE_RETRY_DELAY_MS * attempt));
      }
    }
    this.#failedSuccessors.add(target.nodeId);
    return false;
  }
}
