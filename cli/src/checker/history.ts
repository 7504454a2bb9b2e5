// A workload's history: one record per client operation, invoked and then completed as ok, failed
// or timed-out, with the client process's own monotonic timestamps (performance.now()), so that node
// clock skew cannot reorder what the clients saw. Every write carries a value no other write uses.
// `swarmkv check` and the chaos test runner both keep one.

import type { CONSISTENCY_LEVELS } from '../../../node/src';

export type Consistency = (typeof CONSISTENCY_LEVELS)[number];
export interface Op {
  readonly id: number;
  readonly client: string;
  readonly kind: OpKind;
  readonly key: string;
  /** The unique value a PUT wrote; undefined for DELETE and GET. */
  readonly value?: string;
  readonly consistency: Consistency;
  /** Name of the node the request was sent to (its coordinator). */
  readonly coordinator: string;
  readonly invokedMs: number;
  completedMs?: number;
  outcome?: Outcome;
  status?: number;
  error?: string;
  /** What a GET read: the value, or null for 404. */
  readValue?: string | null;
  /** The replicas that answered (x-swarmkv-replicas: node ids), to tell home replicas from stand-ins. */
  answeredBy?: readonly string[];
}

export type CompletedOp = Op & { completedMs: number; outcome: Outcome };

export type OpKind = 'put' | 'delete' | 'get';

/**
 * ok: the node acknowledged (PUT 200; DELETE 204, or 404 when nothing was live and no tombstone was
 * written; GET 200 or 404); failed: it answered anything else (a 503) or the connection broke;
 * timeout: no answer within the client's deadline. A failed or timed-out write may still have landed
 * on some replica: it is indeterminate, not absent.
 */
export type Outcome = 'ok' | 'failed' | 'timeout';

export class History {
  readonly ops: Op[] = [];
  #nextId = 0;

  invoke(fields: Omit<Op, 'id' | 'invokedMs'>, invokedMs = performance.now()): Op {
    const op: Op = { ...fields, id: this.#nextId++, invokedMs };
    this.ops.push(op);
    return op;
  }

  complete(op: Op, outcome: Outcome, details: { status?: number; error?: string; readValue?: string | null; answeredBy?: readonly string[] } = {}, completedMs = performance.now()): void {
    Object.assign(op, { outcome, completedMs, ...details });
  }

  completed(): CompletedOp[] {
    return this.ops.filter((op): op is CompletedOp => op.outcome !== undefined && op.completedMs !== undefined);
  }

  counts(): Record<Outcome | 'pending', number> {
    const counts = { ok: 0, failed: 0, timeout: 0, pending: 0 };
    for (const op of this.ops) counts[op.outcome ?? 'pending']++;
    return counts;
  }
}

export function isWrite(op: Op): boolean {
  return op.kind === 'put' || op.kind === 'delete';
}

/** Whether a write's acknowledgement promises durability the bars check (W of a majority or more). */
export function isQuorumWrite(op: Op): boolean {
  return isWrite(op) && (op.consistency === 'quorum' || op.consistency === 'all');
}
