// A workload's data analysis: given the history of every client operation and the final state of
// every key (read after the last fault healed), which acknowledged writes were lost and which
// acknowledged deletes were undone; and, for every read the workload made, whether it missed a write
// acknowledged at quorum before the read began (a stale read).
//
// Real-time order is the only order a client can rely on: write A is before write B when A completed
// before B was invoked. Overlapping writes may land in either order (last-writer-wins by version), and
// a write that failed or timed out may or may not have landed. So an acknowledged write A is fine when
// the final state is explained by A itself or by any write not known to be before A; it is lost
// (a PUT) or resurrected (a DELETE) when the final state can only come from writes before A, or from
// nowhere (a value no client wrote: reported as phantom). A read is judged the same way, as a final
// state of its own, against the writes that may have landed before it answered.

import { isQuorumWrite, type CompletedOp, type Consistency, type Op } from './history';

/** A key's final state: the value read, or null when absent (404). */
export type FinalState = ReadonlyMap<string, string | null>;

export interface Violation {
  readonly key: string;
  readonly op: Op;
  /** What the final read found instead. */
  readonly found: string | null;
}

export interface DataFindings {
  readonly acknowledgedQuorumPuts: number;
  readonly acknowledgedQuorumDeletes: number;
  readonly lost: Violation[];
  readonly resurrected: Violation[];
  /** Keys whose final value no client ever wrote. */
  readonly phantoms: { key: string; found: string }[];
}

/** A DELETE answered 404 found nothing live and wrote no tombstone: it is a read, not a write. */
function changesState(op: CompletedOp): boolean {
  if (op.kind === 'put') return true;
  return op.kind === 'delete' && !(op.outcome === 'ok' && op.status === 404);
}

function writesByKeyOf(ops: readonly CompletedOp[]): Map<string, CompletedOp[]> {
  const writesByKey = new Map<string, CompletedOp[]>();
  for (const op of ops) {
    if (!changesState(op)) continue;
    const list = writesByKey.get(op.key) ?? [];
    list.push(op);
    writesByKey.set(op.key, list);
  }
  return writesByKey;
}

export function analyzeData(ops: readonly CompletedOp[], final: FinalState): DataFindings {
  const writesByKey = writesByKeyOf(ops);
  const lost: Violation[] = [];
  const resurrected: Violation[] = [];
  const phantoms: { key: string; found: string }[] = [];
  let acknowledgedQuorumPuts = 0;
  let acknowledgedQuorumDeletes = 0;
  // Every key read at the end is judged, one that no client wrote too: a value found there is a phantom.
  for (const key of new Set([...writesByKey.keys(), ...final.keys()])) {
    const writes = writesByKey.get(key) ?? [];
    const found = final.get(key) ?? null;
    // An acknowledged write is explained when a write producing `found` completed at or after it was sent.
    const latest = new KeyWrites(writes).latestProducerCompletion(found, Number.POSITIVE_INFINITY) ?? Number.NEGATIVE_INFINITY;
    if (found !== null && latest === Number.NEGATIVE_INFINITY) phantoms.push({ key, found });
    for (const acknowledged of writes) {
      if (acknowledged.outcome !== 'ok' || !isQuorumWrite(acknowledged)) continue;
      if (acknowledged.kind === 'put') acknowledgedQuorumPuts++;
      else acknowledgedQuorumDeletes++;
      // Any write that may have landed and is not known to precede this one may be what won.
      if (latest >= acknowledged.invokedMs) continue;
      if (acknowledged.kind === 'put') lost.push({ key, op: acknowledged, found });
      else resurrected.push({ key, op: acknowledged, found });
    }
  }
  return { acknowledgedQuorumPuts, acknowledgedQuorumDeletes, lost, resurrected, phantoms };
}

export interface StaleRead {
  readonly read: CompletedOp;
  /** An acknowledged quorum write that completed before the read began and that it missed (the last sent of them). */
  readonly missed: CompletedOp;
}

export interface ReadFindings {
  /** Reads answered (200 or 404) at each consistency level. */
  readonly reads: Record<Consistency, number>;
  /** Reads that missed an acknowledged quorum write completed before they began, in the history's order. */
  readonly stale: StaleRead[];
  /** Reads that returned a value no write before their answer could have left. */
  readonly impossible: CompletedOp[];
}

/** The first index in `sorted` (ascending by `at`) whose `at` is >= `bound`. */
function firstAtOrAfter<T>(sorted: readonly T[], at: (item: T) => number, bound: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (at(sorted[middle]!) < bound) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * One key's writes arranged for reads: for a time t, the acknowledged quorum write sent last among
 * those completed before t, and the latest completion among the writes that produce a value (or a
 * 404) and were sent before t. Each answered in O(log n).
 */
class KeyWrites {
  /** Acknowledged quorum writes by completion, with the one sent last among each prefix. */
  readonly #acknowledged: CompletedOp[];
  readonly #lastSentThrough: CompletedOp[];
  /** Producers of each value (PUTs) and of absence (DELETEs), by invocation, with the latest completion among each prefix. */
  readonly #producers = new Map<string | null, { byInvocation: CompletedOp[]; latestCompletionThrough: number[] }>();

  constructor(writes: readonly CompletedOp[]) {
    this.#acknowledged = writes.filter((write) => write.outcome === 'ok' && isQuorumWrite(write)).sort((a, b) => a.completedMs - b.completedMs);
    this.#lastSentThrough = [];
    for (const write of this.#acknowledged) {
      const previous = this.#lastSentThrough.at(-1);
      this.#lastSentThrough.push(previous !== undefined && previous.invokedMs >= write.invokedMs ? previous : write);
    }
    const groups = new Map<string | null, CompletedOp[]>();
    for (const write of writes) {
      const produced = write.kind === 'put' ? (write.value ?? '') : null;
      const group = groups.get(produced);
      if (group === undefined) groups.set(produced, [write]);
      else group.push(write);
    }
    for (const [produced, group] of groups) {
      const byInvocation = group.sort((a, b) => a.invokedMs - b.invokedMs);
      const latestCompletionThrough: number[] = [];
      for (const write of byInvocation) latestCompletionThrough.push(Math.max(latestCompletionThrough.at(-1) ?? Number.NEGATIVE_INFINITY, write.completedMs));
      this.#producers.set(produced, { byInvocation, latestCompletionThrough });
    }
  }

  /** The latest completion among writes producing `found` sent before `beforeMs`; undefined when none was. */
  latestProducerCompletion(found: string | null, beforeMs: number): number | undefined {
    const producers = this.#producers.get(found);
    if (producers === undefined) return undefined;
    const count = firstAtOrAfter(producers.byInvocation, (write) => write.invokedMs, beforeMs);
    return count === 0 ? undefined : producers.latestCompletionThrough[count - 1];
  }

  /** The acknowledged quorum write sent last among those completed before `beforeMs`. */
  lastSentAcknowledgedBefore(beforeMs: number): CompletedOp | undefined {
    const count = firstAtOrAfter(this.#acknowledged, (write) => write.completedMs, beforeMs);
    return count === 0 ? undefined : this.#lastSentThrough[count - 1];
  }
}

/**
 * Judges every answered read against the acknowledged quorum writes (PUT or DELETE) that completed
 * before it was sent. A read at quorum or all overlaps every such write's W replicas (R + W > N), so it
 * must see that write or a later one; a read at one asks one replica and may not, which is what the
 * count at `one` shows. Only writes sent before the read answered can explain what it read. A read
 * missed some such write exactly when the one sent last of them was sent after every write that could
 * have left what the read found had completed.
 */
export function analyzeReads(ops: readonly CompletedOp[]): ReadFindings {
  const writesByKey = new Map([...writesByKeyOf(ops)].map(([key, writes]) => [key, new KeyWrites(writes)]));
  const reads: Record<Consistency, number> = { one: 0, quorum: 0, all: 0 };
  const stale: StaleRead[] = [];
  const impossible: CompletedOp[] = [];
  for (const read of ops) {
    if (read.kind !== 'get' || read.outcome !== 'ok' || read.readValue === undefined) continue;
    reads[read.consistency]++;
    const writes = writesByKey.get(read.key);
    const latest = writes?.latestProducerCompletion(read.readValue, read.completedMs);
    if (read.readValue !== null && latest === undefined) {
      impossible.push(read);
      continue;
    }
    const missed = writes?.lastSentAcknowledgedBefore(read.invokedMs);
    if (missed !== undefined && missed.invokedMs > (latest ?? Number.NEGATIVE_INFINITY)) stale.push({ read, missed });
  }
  return { reads, stale, impossible };
}

/** Every key the history touched, for the final reads. */
export function keysOf(ops: readonly Op[]): string[] {
  return [...new Set(ops.map((op) => op.key))].sort();
}
