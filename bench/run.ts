// `npm run bench`: GET and PUT throughput, p50/p99 latency and CPU per request of the bare Elysia server,
// a durable swarmkv node, a 3-node swarmkv cluster at consistency one and quorum, etcd with 1 and 3
// members and a Redis Cluster of 3+3, in one run, on loopback inside a network namespace of its own;
// then a latency curve at fixed offered rates. Prints Markdown tables, the ratios against etcd-3 and
// the bare server, the goals, and writes bench/results/latest.json. docs/performance.md says
// how to read it.
//
//   npm run bench                                  # everything, ~10 min
//   npm run bench -- --systems flush,memory --candidate /path/to/other/dist/swarmkv.mjs   # A/B a change
//   npm run bench -- --systems flush --cpu-prof /tmp/profiles

import { join } from 'node:path';
import { estimateSeconds, runBenchmark } from './benchmark';
import { runCleanupsSync } from './cleanup';
import { BenchmarkError, OTHER_CORES_WARN } from './measure';
import { enterNamespace } from './namespace';
import { parseBenchOptions, USAGE, UsageError, type BenchOptions } from './options';
import { installMissing } from './peers-install';
import { formatHeader, writeReportJson, type BenchReport } from './report';
import { formatCandidateTable, formatCurve, formatGoals, formatSystemTables, formatUnmeasured } from './report-tables';

const RESULTS_PATH = join(import.meta.dir, 'results', 'latest.json');

// Whatever ends the run, no server or load generator outlives it and no scratch data stays behind.
process.once('exit', runCleanupsSync);

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))) throw error;
    if ((error as Error).message !== '') console.error((error as Error).message);
    console.error(USAGE);
    return (error as Error).message === '' ? 0 : 2;
  }
  const startedMs = performance.now();
  const elapsed = () => `${Math.round((performance.now() - startedMs) / 1000)}`.padStart(4);
  const progress = (line: string) => console.error(`[${elapsed()} s] ${line}`);
  // Installing needs the network, so it happens before the run enters its namespace.
  const installError = installMissing(options.systems, progress);
  if (installError !== undefined) {
    console.error(`bench: ${installError}`);
    return 1;
  }
  const boxing = await enterNamespace(process.argv);
  if ('error' in boxing) {
    console.error(`bench: ${boxing.error}`);
    return 2;
  }
  if (!boxing.inside) return boxing.exitCode;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\nbench: ${signal}, stopping`);
      runCleanupsSync();
      process.exit(130);
    });
  }
  const command = ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
  let report: BenchReport;
  try {
    report = await runBenchmark(options, command, progress);
  } catch (error) {
    if (!(error instanceof BenchmarkError)) throw error;
    console.error(`bench: ${error.message}`);
    return 1;
  }
  writeReportJson(RESULTS_PATH, report);
  printReport(report, estimateSeconds(options));
  return 0;
}

function printReport(report: BenchReport, estimatedSeconds: number): void {
  const sections = [formatHeader(report), formatSystemTables(report.summary)];
  const candidate = formatCandidateTable(report.summary);
  if (candidate !== undefined) sections.push(`A/B, candidate (B) against this build (A), same rounds:\n\n${candidate}`);
  const curve = formatCurve(report.curve);
  if (curve !== undefined) sections.push(`Latency at fixed offered rates (share of each system's measured maximum):\n\n${curve}`);
  sections.push(`Goals (issue 11):\n${formatGoals(report.goals)}`);
  if (report.unmeasured.length > 0) sections.push(`Not measured:\n${formatUnmeasured(report.unmeasured)}`);
  const socketErrors = report.summary.reduce((sum, row) => sum + row.socketErrors, 0);
  if (socketErrors > 0) sections.push(`warning: ${socketErrors} socket errors (timeouts or resets) during measured runs; see ${RESULTS_PATH}`);
  const disturbed = report.summary.filter((row) => (row.otherCoresMax ?? 0) > OTHER_CORES_WARN);
  if (disturbed.length > 0) {
    const worst = Math.max(...disturbed.map((row) => row.otherCoresMax ?? 0));
    sections.push(`warning: other processes used up to ${worst} cores during ${disturbed.length} row(s)' runs; the machine was not quiet, rerun for clean figures`);
  }
  sections.push(`run took ${Math.round(report.durationSeconds)} s (estimated ${Math.round(estimatedSeconds)} s); raw figures: ${RESULTS_PATH}`);
  console.log(`\n${sections.join('\n\n')}`);
}

process.exitCode = await main();
