// The benchmark's outputs: a Markdown table on stdout (ready to paste into bench/RESULTS.md) and a
// machine-readable JSON file with every round's raw figures.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MachineInfo } from './machine';
import type { BenchOptions } from './options';
import type { AimOutcome, Measurement, SummaryRow } from './summary';
import { SYSTEMS } from './systems';

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
  readonly measurements: readonly Measurement[];
}

const percent = (ratio: number) => `${Math.round(ratio * 100)}%`;
const fixed = (value: number, digits: number) => value.toFixed(digits);

export function formatTable(rows: readonly SummaryRow[]): string {
  const lines = [
    '| operation | system | req/s (median) | req/s range | p50 ms | p99 ms | req/s vs baseline | p99 vs baseline | server CPU cores |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    const baseline = row.system === 'baseline';
    lines.push(
      `| ${row.operation.toUpperCase()} | ${SYSTEMS[row.system].label} | ${Math.round(row.requestsPerSecond)} | ` +
        `${Math.round(row.requestsPerSecondMin)}–${Math.round(row.requestsPerSecondMax)} | ${fixed(row.p50Ms, 2)} | ${fixed(row.p99Ms, 2)} | ` +
        `${baseline ? '—' : percent(row.throughputRatio)} | ${baseline ? '—' : `${fixed(row.p99Ratio, 2)}×`} | ${row.serverCores ?? '?'} |`,
    );
  }
  return lines.join('\n');
}

export function formatAims(aims: readonly AimOutcome[]): string {
  return aims
    .map((aim) => `- ${aim.name}: ${aim.ratio === undefined ? 'not measured' : `${percent(aim.ratio)} — ${aim.met ? 'met' : 'NOT met'}`}`)
    .join('\n');
}

export function formatHeader(report: Pick<BenchReport, 'machine' | 'options' | 'startedAt' | 'revision'>): string {
  const { machine, options } = report;
  return [
    `${report.startedAt}, swarmkv ${report.revision}`,
    `machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Linux ${machine.kernel}, Node ${machine.nodeVersion}, wrk ${machine.wrkVersion}, load ${machine.loadAverage1m}`,
    `wrk ${options.threads} threads × ${options.connections} connections, ${pinningText(options)}, ${options.seconds} s per run, ${options.rounds} interleaved round(s), ` +
      `${options.keys} keys (all written before the runs), ~100-byte JSON values; figures are medians over rounds, ratios are per-round ratios' medians`,
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
