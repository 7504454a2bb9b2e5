// The benchmark's procedure. Every system is started once and kept running for the whole run, each is
// populated and warmed up, and then every round measures every system, PUT then GET, rotating which
// system goes first. Baseline and swarmkv runs thus alternate within minutes of each other on this
// noisy 2-core machine, and a ratio is only ever taken between runs of the same round.

import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleBaseline } from './baseline-bundle';
import { registerCleanup } from './cleanup';
import { cpuUsageBetween, snapshotCpu, type CpuUsage } from './cpu-usage';
import { describeMachine } from './machine';
import type { BenchOptions } from './options';
import { tasksetAvailable } from './pinning';
import { populate } from './populate';
import type { BenchReport } from './report';
import { ServerProcess } from './server-process';
import { judgeAims, summarise, type Measurement } from './summary';
import { dataDirFor, SWARMKV_CLI_PATH, SYSTEMS, type SystemId } from './systems';
import { runWrk, WRK_INSTALL_HINT, wrkVersion, type Operation, type WrkResult, type WrkRun } from './wrk';

export const OPERATIONS: readonly Operation[] = ['put', 'get'];
/** A breath between runs, so one run's last responses and GC do not land in the next run. */
const SETTLE_MS = 500;
/** Other processes using more than this many cores during a run make its figures suspect... */
export const OTHER_CORES_WARN = 0.2;
/** ...so such a run is measured again, up to this many times; the last attempt counts regardless. */
const DISTURBED_RETRIES_MAX = 2;

export class BenchmarkError extends Error {
  override readonly name = 'BenchmarkError';
}

export async function runBenchmark(options: BenchOptions, command: string, progress: (line: string) => void): Promise<BenchReport> {
  const wrk = wrkVersion();
  if (wrk === undefined) throw new BenchmarkError(`wrk is not installed; install it with: ${WRK_INSTALL_HINT}`);
  if (options.pinning !== undefined && !tasksetAvailable()) throw new BenchmarkError('taskset (util-linux) is missing; install it or pass --no-pin');
  if (!existsSync(SWARMKV_CLI_PATH)) throw new BenchmarkError(`${SWARMKV_CLI_PATH} is missing; run \`bun run build\` (npm run bench does)`);
  const loadSeconds = (options.warmupSeconds + options.rounds * options.seconds) * options.systems.length * OPERATIONS.length;
  progress(`measuring ${options.systems.join(', ')}: about ${Math.ceil(loadSeconds / 60)} min of load`);
  const startedAt = new Date().toISOString();
  const machine = describeMachine(wrk);
  const revision = gitRevision();
  const scratchDir = mkdtempSync(join(tmpdir(), 'swarmkv-bench-'));
  const removeScratch = () => rmSync(scratchDir, { recursive: true, force: true });
  const unregisterScratch = registerCleanup(removeScratch);
  const servers = new Map<SystemId, ServerProcess>();
  let measurements: Measurement[];
  try {
    await startServers(servers, scratchDir, options, progress);
    measurements = await measureRounds(servers, options, progress);
  } finally {
    await Promise.all([...servers.values()].map((server) => server.stop()));
    removeScratch();
    unregisterScratch();
  }
  const summary = summarise(measurements, options.systems, OPERATIONS);
  return { startedAt, finishedAt: new Date().toISOString(), command, machine, revision, options, summary, aims: judgeAims(summary), measurements };
}

/** Starts every system (adding each to `servers` at once, so a failure stops those already up). */
async function startServers(servers: Map<SystemId, ServerProcess>, scratchDir: string, options: BenchOptions, progress: (line: string) => void): Promise<void> {
  const baselineScript = await bundleBaseline(join(scratchDir, 'baseline'));
  for (const id of options.systems) {
    const nodeArgs = [...profilingArgs(options, id), ...SYSTEMS[id].nodeArgs({ baselineScript, dataDir: dataDirFor(scratchDir, id) })];
    const server = await ServerProcess.start(SYSTEMS[id].label, nodeArgs, options.pinning?.serverCpus);
    servers.set(id, server);
    await populate(server.url, options.keys);
    progress(`started ${SYSTEMS[id].label} at ${server.url} (pid ${server.pid}), ${options.keys} keys written`);
  }
}

async function measureRounds(servers: Map<SystemId, ServerProcess>, options: BenchOptions, progress: (line: string) => void): Promise<Measurement[]> {
  const run = (id: SystemId, operation: Operation, seconds: number) =>
    measure(servers.get(id)!, SYSTEMS[id].label, { ...wrkSettings(options), operation, seconds });
  if (options.warmupSeconds > 0) {
    for (const id of options.systems) for (const operation of OPERATIONS) await run(id, operation, options.warmupSeconds);
    progress(`warmed up: ${options.warmupSeconds} s of PUT and of GET per system`);
  }
  const measurements: Measurement[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    for (const id of rotate(options.systems, round - 1)) {
      for (const operation of OPERATIONS) {
        const label = `round ${round}/${options.rounds} ${operation.toUpperCase()} ${SYSTEMS[id].label}`;
        for (let attempt = 1; ; attempt++) {
          const { result, cpu } = await run(id, operation, options.seconds);
          const disturbed = cpu !== undefined && cpu.otherCores > OTHER_CORES_WARN;
          progress(`${label}: ${describeRun(result, cpu)}`);
          if (disturbed && attempt <= DISTURBED_RETRIES_MAX) {
            progress(`${label}: other processes were busy during the run; measuring again (retry ${attempt} of ${DISTURBED_RETRIES_MAX})`);
            continue;
          }
          measurements.push({ round, system: id, operation, result, cpu, attempts: attempt });
          break;
        }
      }
    }
  }
  return measurements;
}

async function measure(server: ServerProcess, label: string, run: Omit<WrkRun, 'url'>): Promise<{ result: WrkResult; cpu: CpuUsage | undefined }> {
  const before = snapshotCpu(server.pid);
  const result = await runWrk({ ...run, url: server.url });
  const cpu = cpuUsageBetween(before, snapshotCpu(server.pid));
  // Every key was written before the first run, so anything but 2xx means the benchmark measured
  // failures, not the server: stop rather than report such figures.
  if (result.non2xx > 0) {
    throw new BenchmarkError(`${label} answered ${result.non2xx} of ${result.requests} ${run.operation.toUpperCase()}s with a non-2xx status; stderr: ${server.stderr()}`);
  }
  await Bun.sleep(SETTLE_MS);
  return { result, cpu };
}

function describeRun(result: WrkResult, cpu: CpuUsage | undefined): string {
  const parts = [`${Math.round(result.requestsPerSecond)} req/s`, `p99 ${result.p99Ms.toFixed(2)} ms`];
  if (cpu !== undefined) parts.push(`CPU: server ${cpu.serverCores}, wrk ${cpu.loadGeneratorCores}, irq ${cpu.interruptCores}, other ${cpu.otherCores}, steal ${cpu.stealCores} cores`);
  if (result.socketErrors > 0) parts.push(`${result.socketErrors} socket errors`);
  if (cpu !== undefined && cpu.otherCores > OTHER_CORES_WARN) parts.push('DISTURBED by other processes');
  return parts.join(', ');
}

function wrkSettings(options: BenchOptions): Omit<WrkRun, 'operation' | 'seconds' | 'url'> {
  return { keys: options.keys, connections: options.connections, threads: options.threads, cpus: options.pinning?.loadGeneratorCpus };
}

function profilingArgs(options: BenchOptions, id: SystemId): string[] {
  if (options.cpuProfileDir === undefined) return [];
  const dir = resolve(options.cpuProfileDir);
  mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${id}.cpuprofile`];
}

/** The list turned `by` places to the left: round r starts with a different system than round r-1. */
function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

function gitRevision(): string {
  const head = Bun.spawnSync(['git', 'rev-parse', '--short', 'HEAD'], { cwd: import.meta.dir }).stdout.toString().trim();
  const dirty = Bun.spawnSync(['git', 'status', '--porcelain', '--', 'node', 'cli', 'scripts', 'package.json'], { cwd: resolve(import.meta.dir, '..') })
    .stdout.toString()
    .trim();
  return head === '' ? 'unknown' : `${head}${dirty === '' ? '' : ' (with uncommitted changes)'}`;
}
