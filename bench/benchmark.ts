// The benchmark's procedure. Every deployment is started once and kept running for the whole run, each
// is populated and warmed up, and then every round measures every system, PUT then GET, rotating which
// system goes first. Each system and those it is compared with thus alternate within a few minutes of
// each other on this noisy 2-core machine, and a ratio is only ever taken between runs of the same
// round. Last, the latency curve: a few systems at fixed offered rates below their measured maximum.
//
// A cluster, etcd or Redis is allowed to fail (it may not form, or may answer errors under load): its
// rows are then reported as not measured, with the reason, and the other figures still come out.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { registerCleanup } from './cleanup';
import { startDeployments } from './deployments-start';
import { judgeGoals } from './goals';
import { CURVE_SYSTEM_IDS, measureLatencyCurve } from './latency-curve';
import { LoadGenerator } from './load';
import { describeMachine } from './machine';
import { attempt, BenchmarkError, describeRun, measure, OTHER_CORES_WARN, settleMsFor } from './measure';
import { monotonicClock } from './monotonic-clock';
import type { BenchOptions } from './options';
import { tasksetAvailable } from './pinning';
import type { BenchReport } from './report';
import type { RunState } from './run-state';
import { summarise, type Measurement } from './summary';
import { isClusterDeployment, SYSTEMS, type DeploymentId, type SystemId } from './systems';
import { WRK_INSTALL_HINT, wrkVersion, type Operation } from './wrk';

/** A disturbed run is measured again, up to this many times; the last attempt counts regardless... */
const DISTURBED_RETRIES_MAX = 2;
/** ...within this many re-measurements over the whole run, which keeps a busy machine's run bounded. */
const DISTURBED_RETRIES_TOTAL_MAX = 3;
/**
 * The cluster's warm-up per system and operation is at least this long: measured here, its RPC paths
 * took about ten seconds of load to reach a steady rate (the first 4-second runs were 30-50% slower
 * than the third), where a single node is steady after one.
 */
const CLUSTER_WARMUP_SECONDS_MIN = 3;
/** Start-up, population, cluster formation and shutdown, for the duration estimate. */
const STARTUP_ESTIMATE_SECONDS = 150;

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
  const state: RunState = {
    options,
    deployments: new Map(),
    unmeasured: [],
    progress,
    clock: monotonicClock(),
    load: new LoadGenerator(),
    retired: [],
    clusters: new Map(),
    retriesLeft: DISTURBED_RETRIES_TOTAL_MAX,
  };
  let measurements: Measurement[];
  let curve;
  try {
    await startDeployments(state, scratchDir);
    measurements = await measureRounds(state);
    curve = options.curveFractions.length === 0 ? [] : await measureLatencyCurve(state, summarise(measurements, options.systems, options.operations));
  } finally {
    await Promise.all([...state.deployments.values()].map((deployment) => deployment.stop()));
    await Promise.all(state.retired);
    removeScratch();
    unregisterScratch();
  }
  const summary = summarise(measurements, options.systems, options.operations);
  const clusterExitAfterTermMs = state.clusters.get('cluster')?.exitAfterTermMs ?? [];
  return {
    startedAt,
    finishedAt: new Date().toISOString(),
    durationSeconds: (performance.now() - startedMs) / 1000,
    command,
    machine: { ...machine, loadAverageAtEnd: describeMachine(wrk).loadAverage1m },
    revision,
    options,
    summary,
    curve,
    goals: judgeGoals(summary, clusterExitAfterTermMs),
    clusterExitAfterTermMs: Object.fromEntries([...state.clusters.entries()].map(([id, cluster]) => [id, cluster.exitAfterTermMs])),
    unmeasured: state.unmeasured,
    measurements,
  };
}

export function estimateSeconds(options: BenchOptions): number {
  const perSystem = (id: SystemId) => {
    const settleSeconds = settleMsFor(id) / 1000;
    // The warm-up, then every round's run and (at most) one re-warm per round before it.
    return warmupSecondsFor(options, id) + settleSeconds + options.rounds * (options.seconds + settleSeconds + warmupSecondsFor(options, id) / options.operations.length);
  };
  const curveRuns = options.systems.filter((id) => CURVE_SYSTEM_IDS.includes(id)).length * options.curveFractions.length * options.operations.length;
  return STARTUP_ESTIMATE_SECONDS + options.operations.length * options.systems.reduce((sum, id) => sum + perSystem(id), 0) + curveRuns * (options.seconds + 1);
}

function warmupSecondsFor(options: BenchOptions, id: SystemId): number {
  if (options.warmupSeconds === 0) return 0;
  return isClusterDeployment(SYSTEMS[id].deployment) ? Math.max(options.warmupSeconds, CLUSTER_WARMUP_SECONDS_MIN) : options.warmupSeconds;
}

const isMeasurable = (state: RunState, id: SystemId) => state.deployments.has(SYSTEMS[id].deployment);

async function measureRounds(state: RunState): Promise<Measurement[]> {
  const { options, progress } = state;
  const measurements: Measurement[] = [];
  if (options.warmupSeconds > 0) {
    for (const id of options.systems) {
      for (const operation of options.operations) {
        if (isMeasurable(state, id)) await attempt(state, id, operation, async () => void (await measure(state, id, operation, warmupSecondsFor(options, id))));
      }
    }
    const operations = options.operations.map((operation) => operation.toUpperCase()).join(' and of ');
    progress(`warmed up: ${options.warmupSeconds} s of ${operations} per system (a cluster's: ${CLUSTER_WARMUP_SECONDS_MIN} s at least)`);
  }
  for (let round = 1; round <= options.rounds; round++) {
    let previousDeployment: DeploymentId | undefined;
    for (const id of rotate(options.systems, round - 1)) {
      // Every deployment stands idle, on the same core, while the others are measured, and its first
      // run afterwards is the slower (bench/RESULTS.md, run Q9: a cluster's first 5 s of PUTs after the
      // single node held the core averaged 0.88× at `one` and 0.96× at `quorum` of the same run placed
      // second). So a deployment's turn in a round begins with the same unmeasured load as its warm-up,
      // and which of two systems sharing it comes first no longer decides which looks slower.
      if (isMeasurable(state, id) && SYSTEMS[id].deployment !== previousDeployment && options.warmupSeconds > 0) {
        const operation = options.operations[0]!;
        await attempt(state, id, operation, async () => void (await measure(state, id, operation, warmupSecondsFor(options, id))));
      }
      previousDeployment = SYSTEMS[id].deployment;
      for (const operation of options.operations) {
        if (!isMeasurable(state, id)) continue;
        await attempt(state, id, operation, async () => {
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
    const { result, cpu, window, datagrams } = await measure(state, id, operation, state.options.seconds);
    const disturbed = cpu !== undefined && cpu.otherCores > OTHER_CORES_WARN;
    state.progress(`${label}: ${describeRun(result, cpu, datagrams)}`);
    if (disturbed && attempts <= DISTURBED_RETRIES_MAX && state.retriesLeft > 0) {
      state.retriesLeft--;
      state.progress(`${label}: other processes were busy during the run; measuring again (${state.retriesLeft} re-measurement(s) left in this run)`);
      continue;
    }
    return { result, cpu, window, datagrams, attempts };
  }
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
