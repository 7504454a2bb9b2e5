// What one client request did inside the cluster, step by step: which replicas the coordinator chose and
// how many answers it needed, whom it asked and when, what each answered (or why it failed), when the
// quorum was met, the version a write was given and whether a replica already held a newer one, which
// stale replicas a read repaired. Asked for with `?trace=true` on the key routes (docs/api.md, "Tracing
// a request"), shown by `swarmkv get --trace` and by the dashboard's key view: swarmkv is a store people
// learn distributed systems with, and this is the Dynamo paper's request path, measured.
//
// A trace is made only when asked for: every other request passes `undefined` and pays one comparison
// per step. Times are milliseconds since the coordinator took the request, on the monotonic clock.

import type { StoredRecord } from '../storage';
import { isTombstone } from '../storage';
import type { ReplicaTarget } from './placement';
import type { AskReason, QuorumGroup } from './quorum';
import type { ReplicaWriteAck, ReplicaWriteOptions } from './replica';

/** Steps kept per trace: a write re-versioned WRITE_ATTEMPTS_MAX times over N replicas stays far below. */
export const TRACE_STEPS_MAX = 256;

/** A replica as a placement step lists it. */
export interface TracedTarget {
  readonly nodeId: string;
  /** The intended replica this node stands in for (it keeps the write as a hint for it). */
  readonly standInFor?: string;
  /** A replica in another ring of interest while the ring changes: written, never read. */
  readonly pending?: true;
  /** Whether its answer counts toward the quorum (a stand-in's does not at `quorum` and `all`). */
  readonly counts: boolean;
  /** A read asks it after the other replicas that count: it has lately answered clearly slower than they do. */
  readonly slow?: true;
}

export type TraceStep =
  | { readonly atMs: number; readonly step: 'placement'; readonly purpose: 'read' | 'write'; readonly replicas: readonly TracedTarget[]; readonly needed: number; readonly jointQuorums?: readonly number[] }
  | { readonly atMs: number; readonly step: 'version'; readonly version: string; readonly above?: string }
  | { readonly atMs: number; readonly step: 'ask'; readonly nodeId: string; readonly request: 'read' | 'write'; readonly hintFor?: string; readonly reason?: AskReason }
  | { readonly atMs: number; readonly step: 'reply'; readonly nodeId: string; readonly version: string | null; readonly deleted?: true }
  | { readonly atMs: number; readonly step: 'ack'; readonly nodeId: string; readonly applied: boolean; readonly version: string }
  | { readonly atMs: number; readonly step: 'fail'; readonly nodeId: string; readonly error: string; readonly message: string }
  | { readonly atMs: number; readonly step: 'quorum'; readonly replies: number; readonly needed: number; readonly newest?: string | null }
  | { readonly atMs: number; readonly step: 'superseded'; readonly newer: string }
  | { readonly atMs: number; readonly step: 'repair'; readonly nodeId: string; readonly version: string }
  | { readonly atMs: number; readonly step: 'hint'; readonly nodeId: string }
  | { readonly atMs: number; readonly step: 'answer'; readonly status: number; readonly error?: string; readonly message?: string };

/** Distributes Omit over the union: a step as recorded, before its time is stamped. */
type Unstamped<T> = T extends unknown ? Omit<T, 'atMs'> : never;

export interface TraceReport {
  /** The node that coordinated the request. */
  readonly coordinator: string;
  readonly steps: readonly TraceStep[];
  /** Steps not kept once TRACE_STEPS_MAX were (0 almost always). */
  readonly stepsDropped: number;
  /** Replicas asked whose answer had not arrived when the client was answered: they still count for convergence. */
  readonly inFlight: readonly string[];
  readonly tookMs: number;
}

export class RequestTrace {
  readonly #coordinator: string;
  readonly #startedMs = performance.now();
  readonly #steps: TraceStep[] = [];
  /** Asks per node not answered yet (a stand-in with its own copy too is asked twice). */
  readonly #outstanding = new Map<string, number>();
  #dropped = 0;

  constructor(coordinator: string) {
    this.#coordinator = coordinator;
  }

  /** The replicas chosen for a read or one write attempt, and how many answers the quorum needs. */
  placed(purpose: 'read' | 'write', targets: readonly ReplicaTarget[], groups: readonly QuorumGroup[], slow?: (nodeId: string) => boolean): void {
    const counts = groups[0]?.counts ?? (() => true);
    const replicas = targets.map((target): TracedTarget => ({
      nodeId: target.nodeId,
      ...(target.standInFor === undefined ? {} : { standInFor: target.standInFor }),
      ...(target.pending === true ? { pending: true as const } : {}),
      counts: counts(target.nodeId),
      ...(slow?.(target.nodeId) === true ? { slow: true as const } : {}),
    }));
    const joint = groups.slice(1).map((group) => group.needed);
    this.#push({ step: 'placement', purpose, replicas, needed: groups[0]?.needed ?? 0, ...(joint.length === 0 ? {} : { jointQuorums: joint }) });
  }

  versioned(version: string, above: string | undefined): void {
    this.#push({ step: 'version', version, ...(above === undefined ? {} : { above }) });
  }

  /** A replica read, with the ask (and why, when it was not asked from the start) and its outcome recorded. */
  read(nodeId: string, reason: AskReason | undefined, read: () => Promise<StoredRecord | undefined>): Promise<StoredRecord | undefined> {
    return this.#follow(nodeId, { step: 'ask', nodeId, request: 'read', ...(reason === undefined ? {} : { reason }) }, read, (record) => ({
      step: 'reply',
      nodeId,
      version: record?.version ?? null,
      ...(record !== undefined && isTombstone(record) ? { deleted: true as const } : {}),
    }));
  }

  /** A replica write, with the ask and its acknowledgement recorded. */
  write(nodeId: string, options: ReplicaWriteOptions | undefined, write: () => Promise<ReplicaWriteAck>): Promise<ReplicaWriteAck> {
    const ask = { step: 'ask' as const, nodeId, request: 'write' as const, ...(options?.hintFor === undefined ? {} : { hintFor: options.hintFor }) };
    return this.#follow(nodeId, ask, write, (ack) => ({ step: 'ack', nodeId, applied: ack.applied, version: ack.version }));
  }

  quorum(replies: number, needed: number, newest?: string | null): void {
    this.#push({ step: 'quorum', replies, needed, ...(newest === undefined ? {} : { newest }) });
  }

  superseded(newer: string): void {
    this.#push({ step: 'superseded', newer });
  }

  repaired(nodeIds: readonly string[], version: string): void {
    for (const nodeId of nodeIds) this.#push({ step: 'repair', nodeId, version });
  }

  /** Replicas that failed an acknowledged write: this coordinator keeps it as a hint for each (missed-replicas.ts). */
  hintedMissed(nodeIds: readonly string[]): void {
    for (const nodeId of nodeIds) this.#push({ step: 'hint', nodeId });
  }

  /** How the client was answered: the last step. */
  answered(status: number, error?: { readonly code: string; readonly message: string }): void {
    this.#push({ step: 'answer', status, ...(error === undefined ? {} : { error: error.code, message: error.message }) });
  }

  report(): TraceReport {
    const inFlight = [...this.#outstanding.keys()];
    return { coordinator: this.#coordinator, steps: [...this.#steps], stepsDropped: this.#dropped, inFlight, tookMs: this.#sinceStartMs() };
  }

  #follow<T>(nodeId: string, ask: Unstamped<TraceStep>, operation: () => Promise<T>, outcome: (value: T) => Unstamped<TraceStep>): Promise<T> {
    this.#push(ask);
    this.#outstanding.set(nodeId, (this.#outstanding.get(nodeId) ?? 0) + 1);
    let pending: Promise<T>;
    try {
      pending = operation();
    } catch (error) {
      // No connection to that replica: the gather counts a synchronous throw as a failure too.
      pending = Promise.reject(error);
    }
    return pending.then(
      (value) => {
        this.#settled(nodeId);
        this.#push(outcome(value));
        return value;
      },
      (error: unknown) => {
        this.#settled(nodeId);
        const { code, message } = describeFailure(error);
        this.#push({ step: 'fail', nodeId, error: code, message });
        throw error;
      },
    );
  }

  #settled(nodeId: string): void {
    const left = (this.#outstanding.get(nodeId) ?? 1) - 1;
    if (left <= 0) this.#outstanding.delete(nodeId);
    else this.#outstanding.set(nodeId, left);
  }

  #push(step: Unstamped<TraceStep>): void {
    if (this.#steps.length >= TRACE_STEPS_MAX) {
      this.#dropped += 1;
      return;
    }
    this.#steps.push({ atMs: this.#sinceStartMs(), ...step } as TraceStep);
  }

  #sinceStartMs(): number {
    return Math.round((performance.now() - this.#startedMs) * 100) / 100;
  }
}

function describeFailure(error: unknown): { code: string; message: string } {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' && 'message' in error && typeof error.message === 'string') {
    return { code: error.code, message: error.message };
  }
  return { code: 'internal', message: String(error) };
}
