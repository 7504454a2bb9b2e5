// Group commit (as databases have done since IMS Fast Path; PostgreSQL's commit_delay is one form):
// writes that arrive while a transaction is being committed wait, and then share the next transaction,
// so a node commits, and fsyncs, once per batch instead of once per write.
//
// lmdb-js already puts the writes of one event turn into one transaction, but a replica's writes do
// not arrive in one turn: each peer frame is its own turn, so a cluster node committed nearly one
// transaction per replica write (bench/RESULTS.md, issue 11). Here at most one transaction is in
// flight; what is submitted meanwhile is staged together, in submission order, in the next one. Nothing
// waits on a timer: an idle store starts a transaction at once (after the current job's microtasks, so
// the writes of one job share it), and a busy one starts the next as soon as the last commit is done.

import { assert } from '../assert';

/**
 * The most members (KvStore writes) staged in one transaction, so that one transaction's synchronous
 * work on the main thread stays short; a member of any size still goes through, alone if need be.
 */
export const GROUP_COMMIT_MEMBERS_MAX = 256;

/** What a transaction of the batch reports: when it is committed, and when it is as durable as promised. */
export interface SealedBatch {
  /** Settles once the transaction is committed (or failed): the next batch may start. */
  readonly committed: Promise<void>;
  /** Settles once the members may be answered: committed, and flushed to disk if the policy says so. */
  readonly durable: Promise<void>;
}

/**
 * Opens one transaction and calls `stageMembers` inside it, once: that runs every member's work in
 * submission order (a member that throws fails alone, and must then have written nothing).
 */
export type BatchRunner = (stageMembers: () => void) => SealedBatch;

interface Member {
  readonly run: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

export class GroupCommit {
  readonly #runBatch: BatchRunner;
  #waiting: Member[] = [];
  #inFlight = false;
  #scheduled = false;
  #idle: (() => void)[] = [];
  #batches = 0;
  #members = 0;

  constructor(runBatch: BatchRunner) {
    this.#runBatch = runBatch;
  }

  /** `work` runs inside the next transaction; the promise settles once that is durable. */
  submit<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#waiting.push({ run: work, resolve: resolve as (value: unknown) => void, reject });
      this.#schedule();
    });
  }

  /** Transactions started and members staged in them so far: their ratio is the batching achieved. */
  get counts(): { readonly batches: number; readonly members: number } {
    return { batches: this.#batches, members: this.#members };
  }

  /** Resolves once nothing is staged or in flight (before closing the environment). */
  drained(): Promise<void> {
    if (!this.#inFlight && this.#waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #schedule(): void {
    if (this.#inFlight || this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#start();
    });
  }

  #start(): void {
    if (this.#inFlight) return;
    if (this.#waiting.length === 0) {
      for (const resolve of this.#idle.splice(0)) resolve();
      return;
    }
    const members = this.#waiting.splice(0, GROUP_COMMIT_MEMBERS_MAX);
    const outcomes: Outcome[] = [];
    const stageMembers = () => {
      assert(outcomes.length === 0, 'a batch is staged once');
      for (const member of members) {
        try {
          outcomes.push({ ok: true, value: member.run() });
        } catch (error) {
          outcomes.push({ ok: false, error });
        }
      }
    };
    this.#inFlight = true;
    this.#batches++;
    this.#members += members.length;
    let sealed: SealedBatch;
    try {
      sealed = this.#runBatch(stageMembers);
    } catch (error) {
      sealed = { committed: Promise.reject(error), durable: Promise.reject(error) };
    }
    const next = () => {
      this.#inFlight = false;
      this.#start();
    };
    sealed.committed.then(next, next);
    sealed.durable.then(
      () => members.forEach((member, index) => settle(member, outcomes[index])),
      (error: unknown) => members.forEach((member, index) => settle(member, outcomes[index]?.ok === false ? outcomes[index] : { ok: false, error })),
    );
  }
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

function settle(member: Member, outcome: Outcome | undefined): void {
  if (outcome === undefined) member.reject(new Error('a batch was committed without staging its members'));
  else if (outcome.ok) member.resolve(outcome.value);
  else member.reject(outcome.error);
}
