// The benchmark's outputs: a Markdown table on stdout (ready to paste into bench/RESULTS.md) and a
// machine-readable JSON file with every round's raw figures.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MachineInfo } from './machine';
import type { BenchOptions } from './options';
import type { AimOutcome, Measurement, SummaryRow, Unmeasured } from './summary';
import { CLUSTER_NODE_COUNT, SWARMKV_CLI_PATH, SYSTEMS, type SystemId } from './systems';

export interface BenchReport {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly command: string;
  readonly machine: MachineInfo;
  /** The commit measured, and whether the daemon's sources differed from it. */
  readonly revision: string;
  readonly options: BenchOptions;
  readonly summary: readonly SummaryRow[];
  readonly aims: readonly AimOutcome[];
  readonly unmeasured: readonly Unmeasured[];
  readonly measurements: readonly Measurement[];
  /** Wall-clock length of the run, start-up and population included. */
  readonly durationSeconds: number;
}

const percent = (ratio: number) => `${Math.round(ratio * 100)}%`;
const fixed = (value: number, digits: number) => value.toFixed(digits);

/**
 * One table per reference: the single node against the baseline, then (when measured) the cluster
 * against the single durable node. Each table starts with its reference's own rows.
 */
export function formatTables(rows: readonly SummaryRow[]): string {
  const references = [...new Set(rows.flatMap((row) => (row.reference === undefined ? [] : [row.reference])))];
  return references
    .map((reference) => {
      const title = `Against ${SYSTEMS[reference].label}:`;
      return `${title}\n\n${formatTable(rows.filter((row) => row.system === reference || row.reference === reference), reference)}`;
    })
    .join('\n\n');
}

function formatTable(rows: readonly SummaryRow[], reference: SystemId): string {
  const name = SYSTEMS[reference].label;
  const lines = [
    `| operation | system | conns | req/s (median) | req/s range | p50 ms | p99 ms | req/s vs ${name} | p99 vs ${name} | server CPU cores | server CPU µs/req | CPU/req vs ${name} |`,
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const ordered = [...rows].sort((a, b) => a.operation.localeCompare(b.operation) * -1 || Number(b.system === reference) - Number(a.system === reference));
  for (const row of ordered) {
    const isReference = row.system === reference;
    const throughput = isReference || row.throughputRatio === undefined ? '—' : percent(row.throughputRatio);
    const p99 = isReference || row.p99Ratio === undefined ? '—' : `${fixed(row.p99Ratio, 2)}×`;
    const cpuPerRequest = isReference || row.cpuPerRequestRatio === undefined ? '—' : `${fixed(row.cpuPerRequestRatio, 2)}×`;
    const failures = row.non2xx > 0 ? ` (${row.non2xx} non-2xx)` : '';
    lines.push(
      `| ${row.operation.toUpperCase()} | ${SYSTEMS[row.system].label}${failures} | ${row.connections} | ${Math.round(row.requestsPerSecond)} | ` +
        `${Math.round(row.requestsPerSecondMin)}–${Math.round(row.requestsPerSecondMax)} | ${fixed(row.p50Ms, 2)} | ${fixed(row.p99Ms, 2)} | ` +
        `${throughput} | ${p99} | ${row.serverCores ?? '?'} | ${row.serverCpuMicrosPerRequest === undefined ? '?' : Math.round(row.serverCpuMicrosPerRequest)} | ${cpuPerRequest} |`,
    );
  }
  return lines.join('\n');
}

export function formatUnmeasured(unmeasured: readonly Unmeasured[]): string {
  return unmeasured.map((entry) => `- ${SYSTEMS[entry.system].label}: not measured: ${entry.reason}`).join('\n');
}

export function formatAims(aims: readonly AimOutcome[]): string {
  return aims
    .map((aim) => `- ${aim.name}: ${aim.ratio === undefined ? 'not measured' : `${percent(aim.ratio)}: ${aim.met ? 'met' : 'NOT met'}`}`)
    .join('\n');
}

export function formatHeader(report: Pick<BenchReport, 'machine' | 'options' | 'startedAt' | 'revision' | 'durationSeconds'>): string {
  const { machine, options } = report;
  const clustered = options.systems.some((id) => SYSTEMS[id].deployment === 'cluster');
  return [
    `${report.startedAt}, swarmkv ${options.swarmkvCliPath === SWARMKV_CLI_PATH ? report.revision : options.swarmkvCliPath}, run took ${Math.round(report.durationSeconds)} s`,
    `machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Linux ${machine.kernel}, Node ${machine.nodeVersion}, wrk ${machine.wrkVersion}, load ${machine.loadAverage1m}`,
    `wrk ${options.threads} threads × ${options.connections} connections, ${pinningText(options)}, ${options.seconds} s per run, ${options.rounds} interleaved round(s), ` +
      `${options.keys} keys (all written before the runs), ~100-byte JSON values; figures are medians over rounds, ratios are per-round ratios' medians`,
    ...(clustered
      ? [
          `cluster: ${CLUSTER_NODE_COUNT} durable (--sync flush) nodes, replication factor ${CLUSTER_NODE_COUNT}, all pinned like the single node (same CPU budget), ` +
            `wrk threads spread evenly over the nodes (connections rounded up to a multiple of the threads)`,
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
