// The benchmark's procedure. Every deployment is started once and kept running for the whole run, each
// is populated and warmed up, and then every round measures every system, PUT then GET, rotating which
// system goes first. Each system and its reference thus alternate within a minute or two of each other
// on this noisy 2-core machine, and a ratio is only ever taken between runs of the same round.
//
// The cluster is allowed to fail (it may not form, or may answer errors under load): its rows are then
// reported as not measured, with the reason, and the single-node figures still come out.

import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleBaseline } from './baseline-bundle';
import { registerCleanup } from './cleanup';
import { ClusterDeployment } from './cluster';
import { cpuUsageBetween, snapshotCpu, type CpuUsage } from './cpu-usage';
import { singleProcessDeployment, type Deployment } from './deployment';
import { describeMachine } from './machine';
import { monotonicClock, type MonotonicClock } from './monotonic-clock';
import type { BenchOptions } from './options';
import { tasksetAvailable } from './pinning';
import { populate } from './populate';
import type { BenchReport } from './report';
import { PROFILED_STOP_GRACE_MS, ServerProcess } from './server-process';
import { judgeAims, summarise, type Measurement, type Unmeasured } from './summary';
import { dataDirFor, deploymentsOf, singleNodeArgs, SYSTEMS, type DeploymentId, type SystemId } from './systems';
import { runWrk, WRK_INSTALL_HINT, wrkVersion, type Operation, type WrkResult, type WrkRun } from './wrk';

/** A breath between runs, so one run's last responses and GC do not land in the next run... */
const SETTLE_MS = 300;
/** ...longer after a cluster run, whose replicas may still be applying writes acknowledged at W < N. */
const CLUSTER_SETTLE_MS = 1_000;
/** Other processes using more than this many cores during a run make its figures suspect... */
export const OTHER_CORES_WARN = 0.2;
/** ...so such a run is measured again, up to this many times; the last attempt counts regardless... */
const DISTURBED_RETRIES_MAX = 2;
/** ...within this many re-measurements over the whole run, which keeps a busy machine's run bounded. */
const DISTURBED_RETRIES_TOTAL_MAX = 3;
/**
 * The cluster's warm-up per system and operation is at least this long: measured here, its RPC paths
 * took about ten seconds of load to reach a steady rate (the first 4-second runs were 30-50% slower
 * than the third), where a single node is steady after one.
 */
const CLUSTER_WARMUP_SECONDS_MIN = 3;
/** A cluster run with more than this share of non-2xx answers is a failure, not a measurement. */
const CLUSTER_NON_2XX_SHARE_MAX = 0.001;
/** Start-up, population and cluster formation, for the duration estimate. */
const STARTUP_ESTIMATE_SECONDS = 60;

export class BenchmarkError extends Error {
  override readonly name = 'BenchmarkError';
}

/** A system that cannot go on being measured; for a cluster system, the run goes on without it. */
class SystemFailure extends Error {
  override readonly name = 'SystemFailure';
}

interface RunState {
  readonly options: BenchOptions;
  readonly deployments: Map<DeploymentId, Deployment>;
  readonly unmeasured: Unmeasured[];
  readonly progress: (line: string) => void;
  readonly clock: MonotonicClock;
  /** Deployments dropped mid-run, still stopping: awaited before the scratch directory goes. */
  readonly retired: Promise<void>[];
  retriesLeft: number;
}

export async function runBenchmark(options: BenchOptions, command: string, progress: (line: string) => void): Promise<BenchReport> {
  const wrk = wrkVersion();
  if (wrk === undefined) throw new BenchmarkError(`wrk is not installed; install it with: ${WRK_INSTALL_HINT}`);
  if (options.pinning !== undefined && !tasksetAvailable()) throw new BenchmarkError('taskset (util-linux) is missing; install it or pass --no-pin');
  if (!existsSync(options.swarmkvCliPath)) throw new BenchmarkError(`${options.swarmkvCliPath} is missing; run \`bun run build\` (npm run bench does)`);
  if (options.candidateCliPath !== undefined && !existsSync(options.candidateCliPath)) throw new BenchmarkError(`--candidate ${options.candidateCliPath} is missing`);
  progress(`measuring ${options.systems.join(', ')}: about ${Math.ceil(estimateSeconds(options) / 60)} min`);
  const startedMs = performance.now();
  const startedAt = new Date().toISOString();
  const machine = describeMachine(wrk);
  const revision = gitRevision();
  const scratchDir = mkdtempSync(join(tmpdir(), 'swarmkv-bench-'));
  const removeScratch = () => rmSync(scratchDir, { recursive: true, force: true });
  const unregisterScratch = registerCleanup(removeScratch);
  const state: RunState = { options, deployments: new Map(), unmeasured: [], progress, clock: monotonicClock(), retired: [], retriesLeft: DISTURBED_RETRIES_TOTAL_MAX };
  let measurements: Measurement[];
  try {
    await startDeployments(state, scratchDir);
    measurements = await measureRounds(state);
  } finally {
    await Promise.all([...state.deployments.values()].map((deployment) => deployment.stop()));
    await Promise.all(state.retired);
    removeScratch();
    unregisterScratch();
  }
  const summary = summarise(measurements, options.systems, options.operations);
  return {
    startedAt,
    finishedAt: new Date().toISOString(),
    durationSeconds: (performance.now() - startedMs) / 1000,
    command,
    machine,
    revision,
    options,
    summary,
    aims: judgeAims(summary),
    unmeasured: state.unmeasured,
    measurements,
  };
}

export function estimateSeconds(options: BenchOptions): number {
  const perSystem = (id: SystemId) => {
    const cluster = SYSTEMS[id].deployment === 'cluster';
    const settleSeconds = (cluster ? CLUSTER_SETTLE_MS : SETTLE_MS) / 1000;
    return warmupSecondsFor(options, id) + settleSeconds + options.rounds * (options.seconds + settleSeconds);
  };
  return STARTUP_ESTIMATE_SECONDS + options.operations.length * options.systems.reduce((sum, id) => sum + perSystem(id), 0);
}

function warmupSecondsFor(options: BenchOptions, id: SystemId): number {
  if (options.warmupSeconds === 0) return 0;
  return SYSTEMS[id].deployment === 'cluster' ? Math.max(options.warmupSeconds, CLUSTER_WARMUP_SECONDS_MIN) : options.warmupSeconds;
}

/**
 * Starts every deployment (adding each to `deployments` at once, so a failure stops those already up).
 * The cluster's processes start first, so that its nodes find each other while the others populate.
 */
async function startDeployments(state: RunState, scratchDir: string): Promise<void> {
  const { options, deployments, progress } = state;
  const wanted = deploymentsOf(options.systems);
  const pinned = options.pinning?.serverCpus;
  const stopGraceMs = options.cpuProfileDir === undefined ? undefined : PROFILED_STOP_GRACE_MS;
  let cluster: ClusterDeployment | undefined;
  if (wanted.includes('cluster')) {
    try {
      cluster = await ClusterDeployment.start({ label: 'cluster', cliPath: options.swarmkvCliPath, scratchDir, cpus: pinned, nodeFlags: (name) => profilingArgs(options, name), stopGraceMs });
      deployments.set('cluster', cluster);
      progress(`started the cluster's nodes at ${cluster.urls.join(', ')} (pids ${cluster.pids.join(', ')})`);
    } catch (error) {
      dropCluster(state, `its nodes did not start: ${(error as Error).message}`);
    }
  }
  // A profiled run keeps the baseline's bundle (and its source map) beside the profiles, for the summary.
  const baselineDir = options.cpuProfileDir === undefined ? join(scratchDir, 'baseline') : join(resolve(options.cpuProfileDir), 'baseline-bundle');
  const baselineScript = await bundleBaseline(baselineDir);
  for (const id of wanted) {
    if (id === 'cluster') continue;
    const paths = { cliPath: options.swarmkvCliPath, candidateCliPath: options.candidateCliPath, baselineScript, dataDir: dataDirFor(scratchDir, id) };
    const nodeArgs = [...profilingArgs(options, id), ...singleNodeArgs(id, paths)];
    const server = await ServerProcess.start(id, nodeArgs, pinned, stopGraceMs);
    const deployment = singleProcessDeployment(id, server);
    deployments.set(id, deployment);
    await populate(server.url, options.keys);
    progress(`started ${id} at ${server.url} (pid ${server.pid}), ${options.keys} keys written`);
  }
  if (cluster !== undefined) await prepareCluster(state, cluster);
}

async function prepareCluster(state: RunState, cluster: ClusterDeployment): Promise<void> {
  try {
    const waitedMs = await cluster.waitUntilFormed();
    const started = performance.now();
    await populate(cluster.urls[0]!, state.options.keys, 'consistency=all');
    const populatedMs = Math.round(performance.now() - started);
    state.progress(`the cluster formed (after ${waitedMs} ms more of waiting); ${state.options.keys} keys written at consistency=all in ${populatedMs} ms`);
  } catch (error) {
    dropCluster(state, (error as Error).message);
  }
}

/** Records why the cluster rows are missing and stops its nodes (they would only use CPU). */
function dropCluster(state: RunState, reason: string): void {
  for (const id of state.options.systems) {
    if (SYSTEMS[id].deployment === 'cluster' && !state.unmeasured.some((entry) => entry.system === id)) state.unmeasured.push({ system: id, reason });
  }
  state.progress(`cluster: not measured: ${reason}`);
  const cluster = state.deployments.get('cluster');
  state.deployments.delete('cluster');
  if (cluster !== undefined) state.retired.push(cluster.stop());
}

const isMeasurable = (state: RunState, id: SystemId) => state.deployments.has(SYSTEMS[id].deployment);

async function measureRounds(state: RunState): Promise<Measurement[]> {
  const { options, progress } = state;
  const measurements: Measurement[] = [];
  const attempt = async (id: SystemId, operation: Operation, work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      if (!(error instanceof SystemFailure) || SYSTEMS[id].deployment !== 'cluster') throw error;
      dropCluster(state, `${operation.toUpperCase()} at ${SYSTEMS[id].query}: ${error.message}`);
    }
  };
  if (options.warmupSeconds > 0) {
    for (const id of options.systems) {
      for (const operation of options.operations) {
        if (isMeasurable(state, id)) await attempt(id, operation, async () => void (await measure(state, id, operation, warmupSecondsFor(options, id))));
      }
    }
    const operations = options.operations.map((operation) => operation.toUpperCase()).join(' and of ');
    progress(`warmed up: ${options.warmupSeconds} s of ${operations} per system (the cluster's: ${CLUSTER_WARMUP_SECONDS_MIN} s at least)`);
  }
  for (let round = 1; round <= options.rounds; round++) {
    for (const id of rotate(options.systems, round - 1)) {
      for (const operation of options.operations) {
        if (!isMeasurable(state, id)) continue;
        await attempt(id, operation, async () => {
          measurements.push({ round, system: id, operation, ...(await measureUndisturbed(state, id, operation, `round ${round}/${options.rounds}`)) });
        });
      }
    }
  }
  return measurements;
}

/** One measured run, repeated (within the run's retry budget) while other processes disturb it. */
async function measureUndisturbed(state: RunState, id: SystemId, operation: Operation, roundLabel: string) {
  const label = `${roundLabel} ${operation.toUpperCase()} ${SYSTEMS[id].label}`;
  for (let attempts = 1; ; attempts++) {
    const { result, cpu, window } = await measure(state, id, operation, state.options.seconds);
    const disturbed = cpu !== undefined && cpu.otherCores > OTHER_CORES_WARN;
    state.progress(`${label}: ${describeRun(result, cpu)}`);
    if (disturbed && attempts <= DISTURBED_RETRIES_MAX && state.retriesLeft > 0) {
      state.retriesLeft--;
      state.progress(`${label}: other processes were busy during the run; measuring again (${state.retriesLeft} re-measurement(s) left in this run)`);
      continue;
    }
    return { result, cpu, window, attempts };
  }
}

async function measure(state: RunState, id: SystemId, operation: Operation, seconds: number): Promise<Pick<Measurement, 'result' | 'cpu' | 'window'>> {
  const spec = SYSTEMS[id];
  const deployment = state.deployments.get(spec.deployment)!;
  const idlePids = [...state.deployments.values()].filter((other) => other !== deployment).flatMap((other) => other.pids);
  const before = snapshotCpu(deployment.pids, idlePids);
  const startMicros = state.clock();
  let result: WrkResult;
  try {
    result = await runWrk({ ...wrkSettings(state.options), urls: deployment.urls, query: spec.query, operation, seconds });
  } catch (error) {
    // wrk fails outright when it cannot connect: the server has died; say how.
    const message = `${(error as Error).message}\nstderr: ${deployment.stderr().slice(-2_000)}`;
    if (spec.deployment === 'cluster') throw new SystemFailure(message);
    throw new BenchmarkError(`${spec.label}: ${message}`);
  }
  const window = { startMicros, endMicros: state.clock() };
  const cpu = cpuUsageBetween(before, snapshotCpu(deployment.pids, idlePids));
  // Every key was written before the first run, so anything but 2xx means the benchmark measured
  // failures, not the server: stop rather than report such figures. A cluster may shed a very few
  // requests under load (a replica's answer timing out); those are counted and reported instead.
  const tolerated = spec.deployment === 'cluster' ? Math.floor(result.requests * CLUSTER_NON_2XX_SHARE_MAX) : 0;
  if (result.non2xx > tolerated) {
    const message = `answered ${result.non2xx} of ${result.requests} ${operation.toUpperCase()}s with a non-2xx status; stderr: ${deployment.stderr().slice(-2_000)}`;
    if (spec.deployment === 'cluster') throw new SystemFailure(message);
    throw new BenchmarkError(`${spec.label} ${message}`);
  }
  await Bun.sleep(spec.deployment === 'cluster' ? CLUSTER_SETTLE_MS : SETTLE_MS);
  return { result, cpu, window };
}

function describeRun(result: WrkResult, cpu: CpuUsage | undefined): string {
  const parts = [`${Math.round(result.requestsPerSecond)} req/s`, `p99 ${result.p99Ms.toFixed(2)} ms`];
  if (cpu !== undefined) {
    parts.push(`CPU: server ${cpu.serverCores}, wrk ${cpu.loadGeneratorCores}, irq ${cpu.interruptCores}, idle servers ${cpu.idleServerCores}, other ${cpu.otherCores}, steal ${cpu.stealCores} cores`);
  }
  if (result.non2xx > 0) parts.push(`${result.non2xx} non-2xx`);
  if (result.socketErrors > 0) parts.push(`${result.socketErrors} socket errors`);
  if (cpu !== undefined && cpu.otherCores > OTHER_CORES_WARN) parts.push('DISTURBED by other processes');
  return parts.join(', ');
}

function wrkSettings(options: BenchOptions): Omit<WrkRun, 'operation' | 'seconds' | 'urls' | 'query'> {
  return { keys: options.keys, connections: options.connections, threads: options.threads, cpus: options.pinning?.loadGeneratorCpus };
}

function profilingArgs(options: BenchOptions, name: string): string[] {
  if (options.cpuProfileDir === undefined) return [];
  const dir = resolve(options.cpuProfileDir);
  mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}.cpuprofile`];
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
