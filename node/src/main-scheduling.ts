// The CPU scheduling policy of the process that runs a node. Under `batch` (the default) every thread of
// the process runs under Linux's SCHED_BATCH: same share of the CPU as the default policy, but a thread
// that wakes up does not preempt the one running; it waits for that one to block or to use up its slice.
// A durable node's every commit is a relay between its main thread and lmdb-js's writer and sync
// threads (queue the write, run the transaction's callback, commit, fsync, resolve), and with several
// nodes on the same cores (`swarmkv up`, Compose, the bench) each wake-up of that relay used to cut into
// another node's work: ~20 context switches per commit. Under `batch` each thread runs until it waits,
// and the relay's hops queue instead. Measured on 2 cores with three nodes on one (bench/RESULTS.md,
// "sched-batch"): quorum PUTs 1.43× the throughput, the single node unchanged.
//
// Node has no call for sched_setscheduler, so util-linux's `chrt` sets it, for every thread at once
// (`--all-tasks`). It runs once the node has started, when the threads that last (V8's workers, libuv's
// pool) exist; a thread created later inherits its creator's policy. Without `chrt`, or off Linux, the
// node logs why and runs under the default policy: nothing else depends on it.
//
// Installed by the process's owner, never by startNode: in-process nodes (unit tests, the bench's
// baseline) share their process with code that did not ask for it.

import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import type { SchedulingPolicy } from './config';
import type { Logger } from './log';

/** How long `chrt` may take before the node gives up on it (it takes ~2 ms). */
const CHRT_TIMEOUT_MS = 5_000;

export interface SchedulingOutcome {
  readonly policy: SchedulingPolicy;
  /** Threads that `chrt` set, or undefined if nothing was set. */
  readonly threads: number | undefined;
  /** Why nothing was set, when something was asked for. */
  readonly error?: string;
}

/**
 * Puts every thread of process `pid` under `policy`, then logs `node.scheduling` (or
 * `node.scheduling_failed` at warn). Never rejects: a node runs either way.
 */
export async function applySchedulingPolicy(policy: SchedulingPolicy, logger: Logger, pid = process.pid, chrt = 'chrt'): Promise<SchedulingOutcome> {
  const outcome = await setPolicy(policy, pid, chrt);
  if (outcome.error === undefined) logger.info('node.scheduling', { policy, threads: outcome.threads ?? null });
  else logger.warn('node.scheduling_failed', { policy, error: outcome.error });
  return outcome;
}

async function setPolicy(policy: SchedulingPolicy, pid: number, chrt: string): Promise<SchedulingOutcome> {
  if (policy === 'normal') return { policy, threads: undefined };
  if (process.platform !== 'linux') return { policy, threads: undefined, error: `SCHED_BATCH is Linux's; this is ${process.platform}` };
  const failure = await new Promise<string | undefined>((resolve) => {
    execFile(chrt, ['--all-tasks', '--batch', '--pid', '0', String(pid)], { timeout: CHRT_TIMEOUT_MS }, (error, _stdout, stderr) => {
      if (error === null) resolve(undefined);
      else if ((error as NodeJS.ErrnoException).code === 'ENOENT') resolve(`${chrt} not found (util-linux); running under the default policy`);
      else resolve(`${chrt} failed: ${stderr.trim() || error.message}`);
    });
  });
  if (failure !== undefined) return { policy, threads: undefined, error: failure };
  return { policy, threads: threadCount(pid) };
}

function threadCount(pid: number): number | undefined {
  try {
    return readdirSync(`/proc/${pid}/task`).length;
  } catch {
    return undefined;
  }
}
