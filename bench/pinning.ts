// CPU pinning. On a 2-core machine the scheduler now and then runs the server's main thread on the core
// wrk is using, and that run loses a third of its throughput for no reason of its own. Pinned, every
// server gets the same budget in every run, whole cores of its own (wrk gets the last core), and runs
// repeat to within a few per cent. Measured here, no server (LMDB's threads included) used more than
// one core under this load even unpinned, so the pin costs swarmkv nothing it was using.

import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

export interface Pinning {
  /** taskset CPU list for the servers, e.g. "0" or "0-6". */
  readonly serverCpus: string;
  /** taskset CPU list for wrk. */
  readonly loadGeneratorCpus: string;
}

/** Servers on all CPUs but the last, wrk on the last; undefined on a single CPU. */
export function defaultPinning(): Pinning | undefined {
  const cpus = availableParallelism();
  if (cpus < 2) return undefined;
  return { serverCpus: cpus === 2 ? '0' : `0-${cpus - 2}`, loadGeneratorCpus: String(cpus - 1) };
}

export function tasksetAvailable(): boolean {
  return spawnSync('taskset', ['--version']).error === undefined;
}

/** The command line that runs `command args` on `cpus` (taskset execs it: the pid stays the same). */
export function pinnedCommand(cpus: string | undefined, command: string, args: string[]): [string, string[]] {
  return cpus === undefined ? [command, args] : ['taskset', ['--cpu-list', cpus, command, ...args]];
}
