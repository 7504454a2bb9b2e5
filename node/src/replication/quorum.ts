// Quorum arithmetic and the scatter-gather that waits for it (Dynamo, DeCandia et al. 2007, §4.5):
// an operation goes to every replica at once and completes as soon as `needed` of them succeed. It fails
// fast, as soon as too many have failed for success to remain possible, or when the deadline passes, so
// a client on the wrong side of a partition gets a 503 quickly instead of hanging.

import { SwarmError } from '../errors';

import type { Consistency } from '../config';

export type { Consistency };
export const CONSISTENCY_LEVELS: readonly Consistency[] = ['one', 'quorum', 'all'];

export function isConsistency(text: unknown): text is Consistency {
  return typeof text === 'string' && (CONSISTENCY_LEVELS as readonly string[]).includes(text);
}

/** Acknowledgements needed out of `replicaCount`: 1, a strict majority, or all. */
export function requiredAcks(consistency: Consistency, replicaCount: number): number {
  if (consistency === 'one') return Math.min(1, replicaCount);
  if (consistency === 'all') return replicaCount;
  return Math.floor(replicaCount / 2) + 1;
}

export interface Reply<T> {
  readonly nodeId: string;
  readonly value: T;
}

export interface QuorumResult<T> {
  readonly replies: Reply<T>[];
  /** Node ids that failed before the quorum was reached (the rest may still be in flight). */
  readonly failed: string[];
}

/**
 * `counts` says whose replies count toward `needed` (all by default): a stand-in's reply is gathered
 * and returned like any other, but the coordinator may not let it make up a quorum.
 */
export function gatherQuorum<T>(
  targets: readonly { nodeId: string }[],
  needed: number,
  deadlineMs: number,
  operation: (nodeId: string) => Promise<T>,
  counts: (nodeId: string) => boolean = () => true,
): Promise<QuorumResult<T>> {
  return new Promise((resolve, reject) => {
    const replies: Reply<T>[] = [];
    const failed: string[] = [];
    const countable = targets.filter((target) => counts(target.nodeId)).length;
    let counted = 0;
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    let storageFull: SwarmError | undefined;
    // A replica whose store is full says so (507), rather than as one more replica that did not answer.
    const insufficient = () =>
      storageFull ??
      new SwarmError('insufficient_replicas', `${counted} of the ${needed} replica acknowledgements needed arrived`, {
        needed,
        reached: counted,
      });
    const timer = setTimeout(() => finish(() => reject(insufficient())), deadlineMs);
    // Once too many have failed for success to remain possible, wait only for the replicas still in
    // flight (bounded by the deadline), so the error reports how many were actually reached.
    const settleIfDoomed = () => {
      const doomed = countable - failed.filter(counts).length < needed;
      if (doomed && replies.length + failed.length === targets.length) finish(() => reject(insufficient()));
    };
    if (needed <= 0) return finish(() => resolve({ replies, failed }));
    if (countable < needed) return finish(() => reject(insufficient()));
    for (const target of targets) {
      // An operation that throws at once (no connection to that replica) counts as that replica failing.
      let pending: Promise<T>;
      try {
        pending = operation(target.nodeId);
      } catch (error) {
        pending = Promise.reject(error);
      }
      pending.then(
        (value) => {
          replies.push({ nodeId: target.nodeId, value });
          if (counts(target.nodeId)) counted++;
          if (counted >= needed) finish(() => resolve({ replies: [...replies], failed: [...failed] }));
          else settleIfDoomed();
        },
        (error: unknown) => {
          if (error instanceof SwarmError && error.code === 'insufficient_storage') storageFull = error;
          failed.push(target.nodeId);
          settleIfDoomed();
        },
      );
    }
  });
}
