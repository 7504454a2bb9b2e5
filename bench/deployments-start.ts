// Starts every deployment a run needs, and fills each with the run's keys. The swarmkv clusters' nodes
// start first (so they find each other while the rest start), the single-process servers next, then
// the peers. A single node that fails to start ends the run; a cluster, etcd or Redis that fails is
// reported as not measured (with the reason) and the run goes on without it.

import { join, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { bundleBaseline } from './baseline-bundle';
import { ClusterDeployment } from './cluster';
import { singleProcessDeployment } from './deployment';
import { EtcdDeployment } from './etcd';
import { populate } from './populate';
import { RedisClusterDeployment } from './redis-cluster';
import { dropDeployment, type RunState } from './run-state';
import { PROFILED_STOP_GRACE_MS, ServerProcess } from './server-process';
import { dataDirFor, singleNodeArgs } from './swarmkv-args';
import { deploymentsOf, isClusterDeployment, type ClusterDeploymentId, type DeploymentId, type SingleNodeDeploymentId } from './systems';

const isPeer = (id: DeploymentId) => id === 'etcd-1' || id === 'etcd-3' || id === 'redis-cluster';

export async function startDeployments(state: RunState, scratchDir: string): Promise<void> {
  const wanted = deploymentsOf(state.options.systems);
  const clusters: ClusterDeployment[] = [];
  for (const id of wanted.filter(isClusterDeployment)) {
    const cluster = await startCluster(state, id, scratchDir);
    if (cluster !== undefined) clusters.push(cluster);
  }
  await startSingleNodes(state, wanted.filter((id): id is SingleNodeDeploymentId => !isClusterDeployment(id) && !isPeer(id)), scratchDir);
  for (const id of wanted.filter(isPeer)) await startPeer(state, id, scratchDir);
  for (const cluster of clusters) await prepareCluster(state, cluster);
}

async function startCluster(state: RunState, id: ClusterDeploymentId, scratchDir: string): Promise<ClusterDeployment | undefined> {
  const { options } = state;
  const cliPath = id === 'candidate-cluster' ? options.candidateCliPath : options.swarmkvCliPath;
  if (cliPath === undefined) throw new Error(`${id} needs --candidate`);
  try {
    const cluster = await ClusterDeployment.start({
      label: id,
      cliPath,
      scratchDir,
      cpus: options.pinning?.serverCpus,
      nodeFlags: (name) => profilingArgs(state, `${id}-${name}`),
      stopGraceMs: options.cpuProfileDir === undefined ? undefined : PROFILED_STOP_GRACE_MS,
      memory: id === 'memory-cluster',
    });
    state.deployments.set(id, cluster);
    state.clusters.set(id, cluster);
    state.progress(`started ${id}'s nodes at ${cluster.urls.join(', ')} (pids ${cluster.pids.join(', ')})`);
    return cluster;
  } catch (error) {
    dropDeployment(state, id, `its nodes did not start: ${(error as Error).message}`);
    return undefined;
  }
}

async function startSingleNodes(state: RunState, ids: readonly SingleNodeDeploymentId[], scratchDir: string): Promise<void> {
  const { options } = state;
  if (ids.length === 0) return;
  // A profiled run keeps the baseline's bundle (and its source map) beside the profiles, for the summary.
  const baselineDir = options.cpuProfileDir === undefined ? join(scratchDir, 'baseline') : join(resolve(options.cpuProfileDir), 'baseline-bundle');
  const scripts = await bundleBaseline(baselineDir);
  const stopGraceMs = options.cpuProfileDir === undefined ? undefined : PROFILED_STOP_GRACE_MS;
  for (const id of ids) {
    const paths = { cliPath: options.swarmkvCliPath, candidateCliPath: options.candidateCliPath, baselineScript: scripts.baseline, runtimeScript: scripts.runtime, dataDir: dataDirFor(scratchDir, id) };
    const nodeArgs = [...profilingArgs(state, id), ...singleNodeArgs(id, paths)];
    const server = await ServerProcess.start(id, nodeArgs, options.pinning?.serverCpus, stopGraceMs);
    state.deployments.set(id, singleProcessDeployment(id, server));
    await populate(server.url, options.keys);
    state.progress(`started ${id} at ${server.url} (pid ${server.pid}), ${options.keys} keys written`);
  }
}

async function startPeer(state: RunState, id: 'etcd-1' | 'etcd-3' | 'redis-cluster', scratchDir: string): Promise<void> {
  const cpus = state.options.pinning?.serverCpus;
  try {
    if (id === 'redis-cluster') {
      // redis-benchmark's first (warm-up) SET run writes the keys: it picks them at random, as its GETs do.
      const redis = await RedisClusterDeployment.start({ label: id, scratchDir, cpus });
      state.deployments.set(id, redis);
      state.progress(`started ${id} at ${redis.urls.join(', ')} (pids ${redis.pids.join(', ')})`);
      return;
    }
    const etcd = await EtcdDeployment.start({ label: id, members: id === 'etcd-1' ? 1 : 3, scratchDir, cpus });
    state.deployments.set(id, etcd);
    await etcd.populate(state.options.keys);
    state.progress(`started ${id} at ${etcd.urls.join(', ')} (pids ${etcd.pids.join(', ')}), ${state.options.keys} keys written`);
  } catch (error) {
    dropDeployment(state, id, (error as Error).message);
  }
}

async function prepareCluster(state: RunState, cluster: ClusterDeployment): Promise<void> {
  const id = cluster.label as ClusterDeploymentId;
  try {
    const waitedMs = await cluster.waitUntilFormed();
    const started = performance.now();
    await populate(cluster.urls[0]!, state.options.keys, 'consistency=all');
    const populatedMs = Math.round(performance.now() - started);
    state.progress(`${id} formed (after ${waitedMs} ms more of waiting); ${state.options.keys} keys written at consistency=all in ${populatedMs} ms`);
  } catch (error) {
    dropDeployment(state, id, (error as Error).message);
  }
}

function profilingArgs(state: RunState, name: string): string[] {
  if (state.options.cpuProfileDir === undefined) return [];
  const dir = resolve(state.options.cpuProfileDir);
  mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}.cpuprofile`];
}
