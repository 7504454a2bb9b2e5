// Minority-side behaviour during a partition: a quorum request sent to a node on a side that holds
// fewer than W of the key's home replicas cannot reach W of them, so it must answer 503 within the bar,
// never succeed (a success would be a write the majority never saw) and never hang.
//
// Requests invoked in the last MINORITY_BAR_MS before the heal are left out: they may legitimately
// succeed once the partition is gone. A request sent to a minority coordinator for a key with W home
// replicas on its own side may succeed, and is not judged here.
//
// Two scopes, because the daemon implements Dynamo's sloppy quorum: a minority side of at least W nodes
// can reach W *nodes* (stand-ins for the home replicas it cannot reach) and acknowledge there.
//   isolated: the coordinator's side has fewer than W nodes at all; no design lets it succeed.
//   home: fewer than W of the key's home replicas are on the coordinator's side (the bar read
//         strictly); a sloppy quorum succeeds here, so the two scopes are reported apart.

import { type CompletedOp } from '../../cli/src/checker';
import { type FaultInterval } from './timeline';

/** The bar: a minority-side request that cannot reach W replicas answers 503 within this. */
export const MINORITY_BAR_MS = 2000;

export interface MinorityFindings {
  readonly judged: number;
  readonly answered503InTime: number;
  readonly slow503: CompletedOp[];
  readonly successes: CompletedOp[];
  /** Timed out at the client, or any answer other than 503. */
  readonly hangsOrOther: CompletedOp[];
  readonly slowestMs: number;
}

/** W for quorum and all, given the replication factor. */
function writeQuorum(consistency: CompletedOp['consistency'], replicationFactor: number): number {
  return consistency === 'all' ? replicationFactor : Math.floor(replicationFactor / 2) + 1;
}

export type MinorityScope = 'isolated' | 'home';

export function judgeMinority(ops: readonly CompletedOp[], partitions: readonly FaultInterval[], homeReplicas: ReadonlyMap<string, readonly string[]>, replicationFactor: number, scope: MinorityScope): MinorityFindings {
  const judged: CompletedOp[] = [];
  for (const op of ops) {
    if (op.consistency === 'one') continue;
    const partition = partitions.find((interval) => interval.startMs <= op.invokedMs && op.invokedMs <= (interval.endMs ?? Number.POSITIVE_INFINITY) - MINORITY_BAR_MS);
    // sides[0] is the minority: only its requests are judged.
    const minority = partition?.sides?.[0];
    if (minority === undefined || !minority.includes(op.coordinator)) continue;
    const needed = writeQuorum(op.consistency, replicationFactor);
    const reachable = scope === 'isolated' ? minority.length : (homeReplicas.get(op.key) ?? []).filter((name) => minority.includes(name)).length;
    if (reachable < needed) judged.push(op);
  }
  const elapsed = (op: CompletedOp) => op.completedMs - op.invokedMs;
  const is503 = (op: CompletedOp) => op.outcome === 'failed' && op.status === 503;
  return {
    judged: judged.length,
    answered503InTime: judged.filter((op) => is503(op) && elapsed(op) <= MINORITY_BAR_MS).length,
    slow503: judged.filter((op) => is503(op) && elapsed(op) > MINORITY_BAR_MS),
    successes: judged.filter((op) => op.outcome === 'ok'),
    hangsOrOther: judged.filter((op) => !is503(op) && op.outcome !== 'ok'),
    slowestMs: Math.max(0, ...judged.map(elapsed)),
  };
}
