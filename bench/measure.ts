// One measured load run of one system: the load generator's figures, the CPU every process of the
// system used over the run's window (from /proc), and the window itself on the profiles' clock.

import { cpuUsageBetween, snapshotCpu, type CpuUsage } from './cpu-usage';
import { dropDeployment, type RunState } from './run-state';
import type { Measurement } from './summary';
import { isClusterDeployment, SYSTEMS, type DeploymentId, type SystemId } from './systems';
import { udpDatagramsReceived } from './udp-datagrams';
import type { Operation, WrkResult } from './wrk';

/** A breath between runs, so one run's last responses and GC do not land in the next run... */
const SETTLE_MS = 300;
/** ...longer after a cluster run, whose replicas may still be applying writes acknowledged at W < N. */
export const CLUSTER_SETTLE_MS = 1_000;
/** A cluster run with more than this share of non-2xx answers is a failure, not a measurement. */
const CLUSTER_NON_2XX_SHARE_MAX = 0.001;
/** Other processes using more than this many cores during a run make its figures suspect. */
export const OTHER_CORES_WARN = 0.2;

export class BenchmarkError extends Error {
  override readonly name = 'BenchmarkError';
}

/** A system that cannot go on being measured; for a droppable deployment, the run goes on without it. */
export class SystemFailure extends Error {
  override readonly name = 'SystemFailure';
}

/** The deployments whose failure drops their rows instead of ending the run: all but the single nodes. */
export const isDroppable = (id: DeploymentId) => isClusterDeployment(id) || id === 'etcd-1' || id === 'etcd-3' || id === 'redis-cluster';

export const settleMsFor = (id: SystemId) => (isClusterDeployment(SYSTEMS[id].deployment) ? CLUSTER_SETTLE_MS : SETTLE_MS);

export async function measure(
  state: RunState,
  id: SystemId,
  operation: Operation,
  seconds: number,
  offeredRate?: number,
): Promise<Pick<Measurement, 'result' | 'cpu' | 'window' | 'datagrams'>> {
  const spec = SYSTEMS[id];
  const deployment = state.deployments.get(spec.deployment)!;
  const idlePids = [...state.deployments.values()].filter((other) => other !== deployment).flatMap((other) => other.pids);
  const before = snapshotCpu(deployment.pids, idlePids);
  // Only a swarmkv cluster's nodes send datagrams; the other systems' figure would be the idle clusters' gossip.
  const countsDatagrams = isClusterDeployment(spec.deployment);
  const datagramsBefore = countsDatagrams ? udpDatagramsReceived() : undefined;
  const startMicros = state.clock();
  const { options } = state;
  let result: WrkResult;
  try {
    result = await state.load.run({
      protocol: spec.protocol,
      urls: deployment.urls,
      query: spec.query,
      operation,
      seconds,
      keys: options.keys,
      connections: options.connections,
      threads: options.threads,
      cpus: options.pinning?.loadGeneratorCpus,
      offeredRate,
    });
  } catch (error) {
    // The load generator fails outright when it cannot connect: the server has died; say how.
    throw failure(spec.deployment, `${spec.label}: ${(error as Error).message}\nstderr: ${deployment.stderr().slice(-2_000)}`);
  }
  const window = { startMicros, endMicros: state.clock() };
  const cpu = cpuUsageBetween(before, snapshotCpu(deployment.pids, idlePids));
  const datagramsAfter = datagramsBefore === undefined ? undefined : udpDatagramsReceived();
  const datagrams = datagramsBefore === undefined || datagramsAfter === undefined ? undefined : datagramsAfter - datagramsBefore;
  // Every key was written before the first run, so anything but 2xx means the benchmark measured
  // failures, not the server: stop rather than report such figures. A cluster may shed a very few
  // requests under load (a replica's answer timing out); those are counted and reported instead.
  const tolerated = isClusterDeployment(spec.deployment) ? Math.floor(result.requests * CLUSTER_NON_2XX_SHARE_MAX) : 0;
  if (result.non2xx > tolerated) {
    throw failure(spec.deployment, `${spec.label} answered ${result.non2xx} of ${result.requests} ${operation.toUpperCase()}s with a non-2xx status; stderr: ${deployment.stderr().slice(-2_000)}`);
  }
  await Bun.sleep(settleMsFor(id));
  return { result, cpu, window, datagrams };
}

/** Runs `work`; a droppable system's failure drops its deployment instead of ending the run. */
export async function attempt(state: RunState, id: SystemId, operation: Operation, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    const deployment = SYSTEMS[id].deployment;
    if (!(error instanceof SystemFailure) || !isDroppable(deployment)) throw error;
    dropDeployment(state, deployment, `${operation.toUpperCase()} ${SYSTEMS[id].label}: ${error.message}`);
  }
}

function failure(deployment: DeploymentId, message: string): Error {
  return isDroppable(deployment) ? new SystemFailure(message) : new BenchmarkError(message);
}

export function describeRun(result: WrkResult, cpu: CpuUsage | undefined, datagrams?: number): string {
  const parts = [`${Math.round(result.requestsPerSecond)} req/s`, `p50 ${result.p50Ms.toFixed(2)} ms`, `p99 ${result.p99Ms.toFixed(2)} ms`];
  if (datagrams !== undefined && result.requests > 0) parts.push(`${(datagrams / result.requests).toFixed(2)} UDP datagrams per request`);
  if (cpu !== undefined) {
    parts.push(`CPU: system ${cpu.serverCores}, load generator ${cpu.loadGeneratorCores}, irq ${cpu.interruptCores}, idle systems ${cpu.idleServerCores}, other ${cpu.otherCores}, steal ${cpu.stealCores} cores`);
  }
  if (result.non2xx > 0) parts.push(`${result.non2xx} non-2xx`);
  if (result.socketErrors > 0) parts.push(`${result.socketErrors} socket errors`);
  if (cpu !== undefined && cpu.otherCores > OTHER_CORES_WARN) parts.push('DISTURBED by other processes');
  return parts.join(', ');
}
