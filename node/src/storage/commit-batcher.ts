// Group commit on the event loop's own thread: the write transactions submitted while a node works run
// as one synchronous LMDB transaction, committed and fsynced before any of them is answered.
//
// Why not lmdb-js's own batching (its writer thread): there each commit hands work between the main
// thread, the writer and a sync job, ~20 context switches per commit whatever its size; on a core that
// several nodes share every such wake-up preempts the work that was running, and a durable cluster
// PUT cost ~270 µs of CPU against ~170 with no storage at all (bench/RESULTS.md, issue 11, sched-batch
// and sync-commit). Committing here costs ~4 switches (the fsync's sleep and wake-up), at the price of
// the event loop waiting for that fsync: requests arriving meanwhile wait in the kernel's socket buffers
// and are served right after it, as Redis's `appendfsync always` does.
//
// When to commit. A commit costs a fixed ~130-400 µs of CPU (most of it the kernel's flush) plus a few
// per write, so batches should be as large as the load allows, without making a lone write wait:
//   - while the queue holds fewer writes than the last commit did, the batcher waits for more, up to
//     COMMIT_WAIT_MS_MAX after the first of them; a steady group of writers (clients waiting on their
//     answers, replicas on their coordinators) is thereby committed together, as it arrives;
//   - once the queue holds as many as the last commit (or COMMIT_BATCH_TARGET_MAX), it commits at the end
//     of the current event-loop turn, with whatever else that turn queued.
// A write after a quiet spell (last commit: one write) therefore commits in the turn it arrived in.

import { COMMIT_BATCH_TARGET_MAX, COMMIT_WAIT_MS_MAX } from '../limits';

/** Runs `body` inside one synchronous write transaction and commits it durably; throws if that fails. */
export type TransactSync = (body: () => void) => void;

interface Submitted {
  readonly body: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

export class CommitBatcher {
  readonly #transactSync: TransactSync;
  readonly #waitMsMax: number;
  #queue: Submitted[] = [];
  /** How many writes the next commit waits for (the last commit's count, at least 1). */
  #batchTarget = 1;
  #atTurnEnd: NodeJS.Immediate | undefined;
  #atDeadline: NodeJS.Timeout | undefined;
  #commits = 0;

  constructor(transactSync: TransactSync, waitMsMax = COMMIT_WAIT_MS_MAX) {
    this.#transactSync = transactSync;
    this.#waitMsMax = waitMsMax;
  }

  /**
   * Queues `body` for the next commit. The promise settles once that commit has returned: with what
   * `body` returned, or, if the transaction failed (a body threw, the disk refused the commit), with that
   * error, for every body in the batch: none of them was written.
   */
  submit<T>(body: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ body, resolve: resolve as (value: unknown) => void, reject });
      if (this.#queue.length >= this.#batchTarget) this.#atTurnEnd ??= setImmediate(() => this.commitNow());
      else if (this.#queue.length === 1) this.#atDeadline = setTimeout(() => this.commitNow(), this.#waitMsMax);
    });
  }

  /** Commits what is queued now (before a close; by the timers otherwise). */
  commitNow(): void {
    if (this.#atTurnEnd !== undefined) clearImmediate(this.#atTurnEnd);
    if (this.#atDeadline !== undefined) clearTimeout(this.#atDeadline);
    this.#atTurnEnd = this.#atDeadline = undefined;
    const batch = this.#queue;
    if (batch.length === 0) return;
    this.#queue = [];
    this.#batchTarget = Math.min(batch.length, COMMIT_BATCH_TARGET_MAX);
    const results: unknown[] = [];
    try {
      this.#transactSync(() => {
        for (const submitted of batch) results.push(submitted.body());
      });
    } catch (error) {
      for (const submitted of batch) submitted.reject(error);
      return;
    } finally {
      this.#commits++;
    }
    for (let index = 0; index < batch.length; index++) batch[index]!.resolve(results[index]);
  }

  /** Bodies waiting for a commit. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Commits attempted so far (each holding one or more bodies). */
  get commits(): number {
    return this.#commits;
  }
}
