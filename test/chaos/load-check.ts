// The failure detector under CPU starvation: both cores loaded for a bounded time while quorum
// traffic runs and no fault is injected, so every dead verdict any node logs is false. One kill -9 at
// the end, still under load, checks that detection still works when loaded (a detector that never
// declares anything dead would pass the first bar trivially).

import { TestCluster } from '../support/cluster';
import { CONVERGE_MS_MAX, ringsAgree } from '../support/cluster-scenarios';
import { atMost, enforcedFailures, formatBar, type BarResult } from './bars';
import { membershipCollector, verdictsIn } from './chaos-run';
import { CpuLoad } from './cpu-load';
import { Random } from './random';
import { Workload } from './workload';

/** Longer than the lan profile's detection bar (5 s): a loaded machine may be slower, and it is measured. */
const LOADED_DETECTION_WATCH_MS = 30_000;
/** Light quorum traffic during the load: the detector, not the store, is under test. */
const TRAFFIC = { keys: 500, clients: 4, opsPerSecond: 40 } as const;

export interface LoadCheckOptions {
  readonly nodes: number;
  readonly loadMs: number;
  readonly seed: number;
  readonly log: (line: string) => void;
}

export async function runLoadCheck(options: LoadCheckOptions): Promise<{ bars: BarResult[]; failures: BarResult[] }> {
  const membership = membershipCollector();
  const cluster = await TestCluster.start({ nodes: options.nodes, replicas: 3, eventSink: membership.sink });
  let load: CpuLoad | undefined;
  let workload: Workload | undefined;
  try {
    await cluster.waitFor(async () => (await cluster.allSeeAllAlive()) && (await ringsAgree(cluster, cluster.nodes)), CONVERGE_MS_MAX, `all ${options.nodes} nodes alive on every node, owners of one ring`);
    workload = new Workload(cluster, { ...TRAFFIC, opsMax: Math.ceil((TRAFFIC.opsPerSecond * options.loadMs) / 1000), durationMsMax: options.loadMs }, new Random(options.seed));
    const loadFromMs = performance.now();
    load = CpuLoad.start(options.loadMs + LOADED_DETECTION_WATCH_MS);
    options.log(`load: ${load.cores} cores busy (${load.tool}) for ${options.loadMs} ms, ${options.nodes} nodes, quorum traffic at ${TRAFFIC.opsPerSecond}/s`);
    workload.start();
    await Bun.sleep(options.loadMs);
    await workload.stop();
    const falseVerdicts = verdictsIn(cluster, membership.lines, loadFromMs);
    const suspicions = membership.lines.filter((line) => line.atMs >= loadFromMs && line.event.state === 'suspect').length;
    options.log(`load: ${JSON.stringify(workload.history.counts())} ops; ${suspicions} suspect verdicts (not failures by themselves)`);
    for (const verdict of falseVerdicts.slice(0, 5)) options.log(`false dead verdict: ${verdict.observer} declared ${verdict.member} dead at ${Math.round(verdict.atMs - loadFromMs)} ms into the load`);
    const detectionMs = await detectUnderLoad(cluster, membership, options.log);
    const bars: BarResult[] = [
      atMost(`false dead verdicts with every core loaded for ${Math.round(options.loadMs / 1000)} s`, falseVerdicts.length, 0),
      { name: 'a kill -9 under load is still detected by every other node', pass: Number.isFinite(detectionMs), measured: Number.isFinite(detectionMs) ? `${Math.round(detectionMs)} ms` : 'not within the watch', bar: `within ${LOADED_DETECTION_WATCH_MS} ms` },
    ];
    for (const bar of bars) options.log(formatBar(bar));
    const failures = enforcedFailures(bars);
    cluster.keepFiles = failures.length > 0;
    return { bars, failures };
  } finally {
    await workload?.stop();
    load?.stop();
    await cluster.destroy();
  }
}

/** kill -9 the last node, still under load: ms until every other node logged it dead (NaN if not in the watch). */
async function detectUnderLoad(cluster: TestCluster, membership: ReturnType<typeof membershipCollector>, log: (line: string) => void): Promise<number> {
  const victim = cluster.nodes[cluster.nodes.length - 1]!;
  const observers = cluster.nodes.filter((node) => node !== victim).map((node) => node.name);
  const killedAt = performance.now();
  await cluster.kill9(victim);
  const everyoneSaw = () => observers.every((observer) => verdictsIn(cluster, membership.lines, killedAt).some((v) => v.observer === observer && v.member === victim.name));
  const ms = await cluster.waitFor(everyoneSaw, LOADED_DETECTION_WATCH_MS, `${victim.name} dead on every other node`).catch(() => Number.NaN);
  log(`load: kill -9 ${victim.name} under load, dead on every other node after ${Math.round(ms)} ms`);
  return ms;
}
