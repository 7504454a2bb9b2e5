// `npm run bench`: GET and PUT throughput and p99 latency of swarmkv (durable, commit-only and in-memory)
// against a bare Elysia server holding a Map, same runtime (Node 20 + @elysiajs/node), same load
// generator (wrk), same run; and of a 3-node cluster at consistency one and quorum against the durable
// single node. Prints Markdown tables and the ratios, and writes bench/results/latest.json.
//
//   npm run bench                                  # 3 rounds of 5 s per system and operation, ~5 min
//   npm run bench -- --seconds 5 --rounds 3
//   npm run bench -- --systems flush --cpu-prof /tmp/profiles
//   npm run bench -- --systems flush,memory --operations get

import { join } from 'node:path';
import { BenchmarkError, OTHER_CORES_WARN, runBenchmark } from './benchmark';
import { parseBenchOptions, USAGE, UsageError, type BenchOptions } from './options';
import { formatAims, formatHeader, formatTables, formatUnmeasured, writeReportJson } from './report';
import { runCleanupsSync } from './cleanup';

const RESULTS_PATH = join(import.meta.dir, 'results', 'latest.json');

// Whatever ends the run, no server or wrk outlives it and no scratch data stays behind.
process.once('exit', runCleanupsSync);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\nbench: ${signal}, stopping`);
    runCleanupsSync();
    process.exit(130);
  });
}

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
  const command = ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
  let report;
  try {
    const startedMs = performance.now();
    const elapsed = () => `${Math.round((performance.now() - startedMs) / 1000)}`.padStart(4);
    report = await runBenchmark(options, command, (line) => console.error(`[${elapsed()} s] ${line}`));
  } catch (error) {
    if (!(error instanceof BenchmarkError)) throw error;
    console.error(`bench: ${error.message}`);
    return 1;
  }
  writeReportJson(RESULTS_PATH, report);
  console.log(`\n${formatHeader(report)}\n\n${formatTables(report.summary)}\n\nAims:\n${formatAims(report.aims)}`);
  if (report.unmeasured.length > 0) console.log(`\nNot measured:\n${formatUnmeasured(report.unmeasured)}`);
  const socketErrors = report.summary.reduce((sum, row) => sum + row.socketErrors, 0);
  if (socketErrors > 0) console.log(`\nwarning: ${socketErrors} socket errors (timeouts or resets) during measured runs; see ${RESULTS_PATH}`);
  const disturbed = report.summary.filter((row) => (row.otherCoresMax ?? 0) > OTHER_CORES_WARN);
  if (disturbed.length > 0) {
    const worst = Math.max(...disturbed.map((row) => row.otherCoresMax ?? 0));
    console.log(`\nwarning: other processes used up to ${worst} cores during ${disturbed.length} row(s)' runs; the machine was not quiet, rerun for clean figures`);
  }
  console.log(`\nraw figures: ${RESULTS_PATH}`);
  return 0;
}

process.exitCode = await main();
