// The benchmark's report: its header (what ran, where, how loaded the machine was) and the
// machine-readable JSON file with every round's raw figures; the tables are in report-tables.ts.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MachineInfo } from './machine';
import type { BenchOptions } from './options';
import type { GoalOutcome } from './goals';
import type { CurvePoint } from './latency-curve';
import type { Measurement, SummaryRow, Unmeasured } from './summary';
import { SWARMKV_CLI_PATH } from './swarmkv-args';
import { CLUSTER_NODE_COUNT, isSwarmkvCluster } from './systems';

export interface BenchReport {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly command: string;
  /** With the 1-minute load average at the end as well (the run's own load included). */
  readonly machine: MachineInfo & { readonly loadAverageAtEnd: number };
  /** The commit measured, and whether the daemon's sources differed from it. */
  readonly revision: string;
  readonly options: BenchOptions;
  readonly summary: readonly SummaryRow[];
  readonly curve: readonly CurvePoint[];
  readonly goals: readonly GoalOutcome[];
  /** Each swarmkv cluster's nodes' time from SIGTERM to exit, in ms, by deployment. */
  readonly clusterExitAfterTermMs: Readonly<Record<string, readonly (number | undefined)[]>>;
  readonly unmeasured: readonly Unmeasured[];
  readonly measurements: readonly Measurement[];
  /** Wall-clock length of the run, start-up and population included. */
  readonly durationSeconds: number;
}

export function formatHeader(report: Pick<BenchReport, 'machine' | 'options' | 'startedAt' | 'revision' | 'durationSeconds'>): string {
  const { machine, options } = report;
  const clustered = options.systems.some(isSwarmkvCluster);
  return [
    `${report.startedAt}, swarmkv ${options.swarmkvCliPath === SWARMKV_CLI_PATH ? report.revision : options.swarmkvCliPath}, run took ${Math.round(report.durationSeconds)} s`,
    `machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Linux ${machine.kernel}, Node ${machine.nodeVersion}, wrk ${machine.wrkVersion}, ` +
      `load average (1 min) ${machine.loadAverage1m} at the start, ${machine.loadAverageAtEnd} at the end (the run's own load included)`,
    `wrk ${options.threads} threads × ${options.connections} connections, ${pinningText(options)}, ${options.seconds} s per run, ${options.rounds} interleaved round(s), ` +
      `${options.keys} keys (all written before the runs), ~100-byte JSON values; figures are medians over rounds, ratios are per-round ratios' medians`,
    ...(clustered
      ? [
          `clusters (swarmkv, etcd-3): ${CLUSTER_NODE_COUNT} members pinned like the single node (same CPU budget), ` +
            `wrk threads spread evenly over the members (connections rounded up to a multiple of the threads); Redis: redis-benchmark --cluster, ${options.connections} connections`,
        ]
      : []),
  ].join('\n');
}

function pinningText(options: BenchOptions): string {
  if (options.pinning === undefined) return 'unpinned';
  return `servers pinned to CPU ${options.pinning.serverCpus}, wrk to CPU ${options.pinning.loadGeneratorCpus}`;
}

export function writeReportJson(path: string, report: BenchReport): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
}
