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

function isBefore(a: CompletedOp, b: Op): boolean {
  return a.completedMs < b.invokedMs;
}

/** Whether `candidate` (a write that may have landed) explains the final state `found`. */
function produces(candidate: CompletedOp, found: string | null): boolean {
  return found === null ? candidate.kind === 'delete' : candidate.kind === 'put' && candidate.value === found;
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

/** Whether `found` may be what `acknowledged` left: written by it, or by a write not known to precede it. */
function explainedAfter(acknowledged: CompletedOp, writes: readonly CompletedOp[], found: string | null): boolean {
  return writes.some((candidate) => !isBefore(candidate, acknowledged) && produces(candidate, found));
}

export function analyzeData(ops: readonly CompletedOp[], final: FinalState): DataFindings {
  const writesByKey = writesByKeyOf(ops);
  const lost: Violation[] = [];
  const resurrected: Violation[] = [];
  const phantoms: { key: string; found: string }[] = [];
  let acknowledgedQuorumPuts = 0;
  let acknowledgedQuorumDeletes = 0;
  for (const [key, writes] of writesByKey) {
    const found = final.get(key) ?? null;
    if (found !== null && !writes.some((write) => write.kind === 'put' && write.value === found)) phantoms.push({ key, found });
    for (const acknowledged of writes) {
      if (acknowledged.outcome !== 'ok' || !isQuorumWrite(acknowledged)) continue;
      if (acknowledged.kind === 'put') acknowledgedQuorumPuts++;
      else acknowledgedQuorumDeletes++;
      // Any write that may have landed and is not known to precede this one may be what won.
      if (explainedAfter(acknowledged, writes, found)) continue;
      if (acknowledged.kind === 'put') lost.push({ key, op: acknowledged, found });
      else resurrected.push({ key, op: acknowledged, found });
    }
  }
  return { acknowledgedQuorumPuts, acknowledgedQuorumDeletes, lost, resurrected, phantoms };
}

export interface StaleRead {
  readonly read: CompletedOp;
  /** The latest acknowledged quorum write that completed before the read began and that it missed. */
  readonly missed: CompletedOp;
}

export interface ReadFindings {
  /** Reads answered (200 or 404) at each consistency level. */
  readonly reads: Record<Consistency, number>;
  /** Reads that missed an acknowledged quorum write completed before they began, oldest first. */
  readonly stale: StaleRead[];
  /** Reads that returned a value no write before their answer could have left. */
  readonly impossible: CompletedOp[];
}

/**
 * Judges every answered read against the acknowledged quorum writes (PUT or DELETE) that completed
 * before it was sent. A read at quorum or all overlaps every such write's W replicas (R + W > N), so it
 * must see that write or a later one; a read at one asks one replica and may not, which is what the
 * count at `one` shows. Only writes sent before the read answered can explain what it read.
 */
export function analyzeReads(ops: readonly CompletedOp[]): ReadFindings {
  const writesByKey = writesByKeyOf(ops);
  const reads: Record<Consistency, number> = { one: 0, quorum: 0, all: 0 };
  const stale: StaleRead[] = [];
  const impossible: CompletedOp[] = [];
  for (const read of ops) {
    if (read.kind !== 'get' || read.outcome !== 'ok' || read.readValue === undefined) continue;
    reads[read.consistency]++;
    const found = read.readValue;
    const possible = (writesByKey.get(read.key) ?? []).filter((write) => write.invokedMs < read.completedMs);
    if (found !== null && !possible.some((write) => produces(write, found))) {
      impossible.push(read);
      continue;
    }
    const missed = possible
      .filter((write) => write.outcome === 'ok' && isQuorumWrite(write) && isBefore(write, read))
      .filter((acknowledged) => !explainedAfter(acknowledged, possible, found))
      .sort((a, b) => b.completedMs - a.completedMs)[0];
    if (missed !== undefined) stale.push({ read, missed });
  }
  return { reads, stale, impossible };
}

/** Every key the history touched, for the final reads. */
export function keysOf(ops: readonly Op[]): string[] {
  return [...new Set(ops.map((op) => op.key))].sort();
}
