// Group commit for durable writes: the write transactions submitted around the same time run as one
// LMDB transaction, committed and fsynced before any of them is answered. Under load (writes arriving
// in groups) the batcher commits them itself, synchronously on the event loop's thread; under light
// load it hands them to lmdb-js's writer thread, as the store always did before.
//
// Why commit on this thread under load: through lmdb-js's writer each commit hands work between the
// main thread, the writer and a sync job, ~20 context switches per commit whatever its size; on a core
// that several nodes share every such wake-up preempts the work that was running, and a durable cluster
// PUT cost ~270 µs of CPU against ~170 with no storage at all (bench/RESULTS.md, issue 11, sched-batch
// and sync-commit). Committing here costs ~4 switches (the fsync's sleep and wake-up), at the price of
// the event loop waiting for that fsync: requests arriving meanwhile wait in the kernel's socket buffers
// and are served right after it, as Redis's `appendfsync always` does. Why not always: with few writes
// in flight there is no batch for the switches to be shared by, and the event loop has other work to do
// during an fsync (a quorum PUT with one client per node was ~10% slower committing here).
//
// When to commit. A commit costs ~130 µs of CPU on the benchmark's VM (lmdb-js alone; over half of it
// the kernel's flush) plus ~7 per write, so under load batches should be as large as the load allows,
// and under light load no write should wait for company that is not coming:
//   - after a commit of at least COMMIT_GROUP_MIN writes (writes arrive faster than the node commits
//     them), the batcher waits until as many are queued again, up to COMMIT_WAIT_MS_MAX after the first
//     of them, and commits them on this thread: a steady group of writers (clients waiting on their
//     answers, replicas on their coordinators) is thereby committed together, as it arrives;
//   - otherwise it commits at the end of the current event-loop turn, with whatever else that turn
//     queued: on this thread if that is COMMIT_GROUP_MIN writes or more, on the writer thread if fewer.
//     A write after a quiet spell is thus on its way in the turn it arrived in.

import { COMMIT_BATCH_TARGET_MAX, COMMIT_GROUP_MIN, COMMIT_WAIT_MS_MAX } from '../limits';

/** Runs `body` inside one synchronous write transaction and commits it durably; throws if that fails. */
export type TransactSync = (body: () => void) => void;
/** Runs `body` inside a write transaction of lmdb-js's writer thread; settles once it is durable. */
export type TransactAsync = (body: () => void) => Promise<unknown>;

interface Submitted {
  readonly body: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

export class CommitBatcher {
  readonly #transactSync: TransactSync;
  readonly #transactAsync: TransactAsync;
  readonly #waitMsMax: number;
  #queue: Submitted[] = [];
  /** How many writes the next commit waits for (the last commit's count, at least 1). */
  #batchTarget = 1;
  #atTurnEnd: NodeJS.Immediate | undefined;
  #atDeadline: NodeJS.Timeout | undefined;
  #commits = 0;

  constructor(transactSync: TransactSync, transactAsync: TransactAsync, waitMsMax = COMMIT_WAIT_MS_MAX) {
    this.#transactSync = transactSync;
    this.#transactAsync = transactAsync;
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
      if (this.#queue.length >= this.#batchTarget) this.#atTurnEnd ??= setImmediate(() => this.#commitDue());
      else if (this.#queue.length === 1) this.#atDeadline = setTimeout(() => this.#commitDue(), this.#waitMsMax);
    });
  }

  /**
   * A commit the timers call for: on this thread when writes come in groups (this batch, or the last,
   * held COMMIT_GROUP_MIN or more), else on lmdb-js's writer thread, where the fsync does not hold up
   * the event loop and commits overlap it: with few writes in flight, the event loop has other work to
   * do during an fsync, and there are no batches for the switches to be shared by anyway.
   */
  #commitDue(): void {
    if (this.#queue.length >= COMMIT_GROUP_MIN || this.#batchTarget > 1) this.commitNow();
    else this.#commitOnWriterThread();
  }

  #commitOnWriterThread(): void {
    const batch = this.#takeBatch();
    if (batch.length === 0) return;
    const results: unknown[] = [];
    this.#commits++;
    this.#transactAsync(() => {
      for (const submitted of batch) results.push(submitted.body());
    }).then(
      () => {
        for (let index = 0; index < batch.length; index++) batch[index]!.resolve(results[index]);
      },
      (error: unknown) => {
        for (const submitted of batch) submitted.reject(error);
      },
    );
  }

  #takeBatch(): Submitted[] {
    if (this.#atTurnEnd !== undefined) clearImmediate(this.#atTurnEnd);
    if (this.#atDeadline !== undefined) clearTimeout(this.#atDeadline);
    this.#atTurnEnd = this.#atDeadline = undefined;
    const batch = this.#queue;
    this.#queue = [];
    this.#batchTarget = batch.length >= COMMIT_GROUP_MIN ? Math.min(batch.length, COMMIT_BATCH_TARGET_MAX) : 1;
    return batch;
  }

  /** Commits what is queued now, on this thread (before a close; by the timers otherwise). */
  commitNow(): void {
    const batch = this.#takeBatch();
    if (batch.length === 0) return;
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
