// One chaos run from start to verdict: a cluster with every node's membership log lines collected,
// the workload running while a schedule of faults is applied and healed, then the analysis after the
// last heal (repair where the route exists, replica convergence, final reads at consistency all) and
// one line per bar. Everything the run created is undone in `finally`, whatever failed.

import { writeFileSync } from 'node:fs';
import { TestCluster, type ClusterNode } from '../support/cluster';
import { CONVERGE_MS_MAX, ringsAgree } from '../support/cluster-scenarios';
import { enforcedFailures, formatBar, type BarResult } from './bars';
import { FaultInjector } from './fault-injector';
import { finalReads, homeReplicas, triggerRepair, watchConvergence } from './final-state';
import { FaultUnsupported } from './network-faults';
import { Random } from './random';
import { randomSchedule, shortSchedule, type Step } from './schedule';
import { chaosBars, evidence, type RunFigures } from './run-bars';
import { type DeadVerdict, deadVerdictsOf } from './verdicts';
import { keyName, Workload } from './workload';

/** The issue's bar: replicas identical within this after the last heal. */
export const CONVERGENCE_BAR_MS = 30_000;
/** Traffic before the first fault, so every client has written through a healthy cluster. */
const WARMUP_MS = 5000;
/** After heal() restarted and resumed nodes: every node alive on every node again, before the next step. */
const REJOIN_MS_MAX = 60_000;
/** The workload's own bound past the planned faults (restarts and rejoins take longer than planned). */
const WORKLOAD_MS_BEYOND_FAULTS = 10 * 60_000;

export interface ChaosOptions {
  readonly nodes: number;
  readonly replicas: number;
  readonly keys: number;
  readonly clients: number;
  readonly opsMin: number;
  readonly opsMax: number;
  readonly opsPerSecond: number;
  readonly seed: number;
  readonly schedule: 'short' | 'random';
  /** For the random schedule: how long faults are drawn for. */
  readonly faultsMs: number;
  /** How long after the last heal replicas are watched (at least the bar, to measure past it). */
  readonly convergenceWatchMs: number;
  /** False reports the convergence bar without enforcing it. */
  readonly convergenceEnforced: boolean;
  /** Whether minority-side successes through stand-ins (sloppy quorum) fail the run; see run-bars.ts. */
  readonly sloppyMinorityEnforced: boolean;
  readonly log: (line: string) => void;
  /** Where to write every op and fault as JSON for analysis after the run; none when undefined. */
  readonly historyFile?: string;
}

export interface ChaosReport {
  readonly bars: BarResult[];
  readonly failures: BarResult[];
  readonly figures: RunFigures;
}

/** Collects membership.member_changed lines of every node (the only lines the checker needs). */
export function membershipCollector(): { lines: { observer: string; event: Record<string, unknown>; atMs: number }[]; sink: (name: string, event: Record<string, unknown>, atMs: number) => void } {
  const lines: { observer: string; event: Record<string, unknown>; atMs: number }[] = [];
  return { lines, sink: (observer, event, atMs) => void (event.event === 'membership.member_changed' && lines.push({ observer, event, atMs })) };
}

export function verdictsIn(cluster: TestCluster, lines: ReturnType<typeof membershipCollector>['lines'], fromMs: number): DeadVerdict[] {
  const names = new Map(cluster.nodes.map((node: ClusterNode) => [node.nodeId, node.name]));
  return deadVerdictsOf(lines.filter((line) => line.atMs >= fromMs), (nodeId) => names.get(nodeId) ?? nodeId);
}

async function runSteps(cluster: TestCluster, injector: FaultInjector, steps: readonly Step[], workload: Workload, log: (line: string) => void): Promise<void> {
  for (const [index, step] of steps.entries()) {
    const startedAt = performance.now();
    try {
      await step.apply(injector, cluster.nodes);
      log(`step ${index + 1}/${steps.length}: ${step.describe}, holding ${step.holdMs} ms (ops so far ${workload.history.ops.length})`);
      await Bun.sleep(Math.max(0, step.holdMs - (performance.now() - startedAt)));
    } catch (error) {
      if (!(error instanceof FaultUnsupported)) throw error;
      log(`step ${index + 1}/${steps.length}: ${step.describe} skipped, unsupported here: ${error.message}`);
    }
    await injector.heal();
    await cluster.waitFor(() => cluster.allSeeAllAlive(), REJOIN_MS_MAX, `every node alive everywhere after healing "${step.describe}"`).catch((error: Error) => log(`after healing: ${error.message.split('\n')[0]}`));
    await Bun.sleep(step.quietMs);
  }
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const membership = membershipCollector();
  const cluster = await TestCluster.start({ nodes: options.nodes, replicas: options.replicas, eventSink: membership.sink });
  const injector = new FaultInjector(cluster);
  let workload: Workload | undefined;
  try {
    // Alive everywhere is not enough since nodes join as owners only once the ring is founded and agreed:
    // until then they answer 503 joining (docs/elasticity.md).
    await cluster.waitFor(async () => (await cluster.allSeeAllAlive()) && (await ringsAgree(cluster, cluster.nodes)), CONVERGE_MS_MAX, `all ${options.nodes} nodes alive on every node, owners of one ring`);
    const support = injector.support();
    options.log(`kernel support: iptables ${support.iptables}, statistic loss ${support.statisticLoss}, netem ${support.netem}${support.notes.length > 0 ? ` (${support.notes.join('; ')})` : ''}`);
    const keys = Array.from({ length: options.keys }, (_, index) => keyName(index));
    const replicas = await homeReplicas(cluster, keys);
    const random = new Random(options.seed);
    const steps = options.schedule === 'short' ? shortSchedule() : randomSchedule(random, cluster.nodes, options.faultsMs, support.netem);
    workload = new Workload(cluster, { clients: options.clients, keys: options.keys, opsMax: options.opsMax, durationMsMax: options.faultsMs + WORKLOAD_MS_BEYOND_FAULTS, opsPerSecond: options.opsPerSecond }, new Random(options.seed ^ 0x5eed));
    const verdictsFromMs = performance.now();
    options.log(`seed ${options.seed}: ${steps.length} fault steps, ${options.clients} clients, ${options.keys} keys, at most ${options.opsMax} ops at ${options.opsPerSecond}/s`);
    workload.start();
    await Bun.sleep(WARMUP_MS);
    await runSteps(cluster, injector, steps, workload, options.log);
    await workload.stop();
    await injector.heal();
    const lastHealMs = injector.timeline.lastHealMs ?? performance.now();
    options.log(`workload stopped: ${JSON.stringify(workload.history.counts())}; repair: ${await triggerRepair(cluster)}`);
    const convergence = await watchConvergence(cluster, replicas, lastHealMs, lastHealMs + options.convergenceWatchMs);
    const finals = await finalReads(cluster, keys);
    const figures: RunFigures = { history: workload.history, convergence, finals, replicas, timeline: injector.timeline, verdicts: verdictsIn(cluster, membership.lines, verdictsFromMs), replicationFactor: options.replicas, names: new Map(cluster.nodes.map((node) => [node.nodeId, node.name])) };
    const bars = chaosBars(figures, { opsMin: options.opsMin, convergenceBarMs: CONVERGENCE_BAR_MS, convergenceEnforced: options.convergenceEnforced, sloppyMinorityEnforced: options.sloppyMinorityEnforced });
    if (options.historyFile !== undefined) {
      writeFileSync(options.historyFile, JSON.stringify({ ops: workload.history.ops, faults: injector.timeline.intervals, replicas: Object.fromEntries(replicas), names: Object.fromEntries(figures.names) }));
      options.log(`history of every op and fault: ${options.historyFile}`);
    }
    for (const line of evidence(figures)) options.log(line);
    for (const bar of bars) options.log(formatBar(bar));
    const failures = enforcedFailures(bars);
    // A failed bar keeps every node's log and data: a failure a rerun of its seed may not repeat is diagnosed from them.
    cluster.keepFiles = failures.length > 0;
    return { bars, failures, figures };
  } finally {
    // A step that threw leaves the clients running: stop them before the cluster goes.
    await workload?.stop();
    injector.destroyNow();
    await cluster.destroy();
  }
}
