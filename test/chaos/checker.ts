// The workload checker's data analysis: given the history of every client operation and the final
// state of every key (read at consistency all after the last heal), which acknowledged writes were lost
// and which acknowledged deletes were undone.
//
// Real-time order is the only order a client can rely on: write A is before write B when A completed
// before B was invoked. Overlapping writes may land in either order (last-writer-wins by version), and
// a write that failed or timed out may or may not have landed. So an acknowledged write A is fine when
// the final state is explained by A itself or by any write not known to be before A; it is lost
// (a PUT) or resurrected (a DELETE) when the final state can only come from writes before A, or from
// nowhere (a value no client wrote: reported as phantom).

import { isQuorumWrite, type CompletedOp, type Op } from './history';

/** A key's final state: the value read, or null when absent (404 at consistency all). */
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

export function analyzeData(ops: readonly CompletedOp[], final: FinalState): DataFindings {
  const writesByKey = new Map<string, CompletedOp[]>();
  for (const op of ops) {
    if (!changesState(op)) continue;
    const list = writesByKey.get(op.key) ?? [];
    list.push(op);
    writesByKey.set(op.key, list);
  }
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
      const explained = writes.some((candidate) => !isBefore(candidate, acknowledged) && produces(candidate, found));
      if (explained) continue;
      if (acknowledged.kind === 'put') lost.push({ key, op: acknowledged, found });
      else resurrected.push({ key, op: acknowledged, found });
    }
  }
  return { acknowledgedQuorumPuts, acknowledgedQuorumDeletes, lost, resurrected, phantoms };
}

/** Every key the history touched, for the final reads. */
export function keysOf(ops: readonly Op[]): string[] {
  return [...new Set(ops.map((op) => op.key))].sort();
}
