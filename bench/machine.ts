// What the benchmark ran on, for the report: figures mean little without the machine beside them.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, release, totalmem } from 'node:os';

export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly kernel: string;
  /** The Node that runs the servers (not the Bun that runs the benchmark). */
  readonly nodeVersion: string;
  readonly wrkVersion: string;
  /** 1-minute load average when the run started: a busy machine shows here. */
  readonly loadAverage1m: number;
}

export function describeMachine(wrkVersion: string): MachineInfo {
  return {
    cpus: availableParallelism(),
    cpuModel: cpuModel(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    nodeVersion: spawnSync('node', ['--version'], { encoding: 'utf8' }).stdout.trim() || 'unknown',
    wrkVersion,
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
  };
}

function cpuModel(): string {
  try {
    return /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
