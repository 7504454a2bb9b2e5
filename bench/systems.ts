// The systems the benchmark compares: the bare Elysia + Map baseline, swarmkv's single node in its three
// storage modes, and a three-node swarmkv cluster read and written at two consistency levels. Every
// process is a Node 20 process on 127.0.0.1; only the arguments differ.
//
// A system is what one table row measures; a deployment is the processes behind it. Each single-node
// system has its own process; the two cluster systems share one deployment of three nodes and differ
// only in the `?consistency=` every request carries. The candidate systems run another build of the
// daemon (--candidate), each against the same mode of this build in the same rounds: an A/B test of a
// change, with the machine's drift cancelled the way the baseline's is.

import { join, resolve } from 'node:path';

export const SYSTEM_IDS = ['baseline', 'flush', 'commit', 'memory', 'candidate-flush', 'candidate-memory', 'cluster-one', 'cluster-quorum'] as const;
export type SystemId = (typeof SYSTEM_IDS)[number];
/** Measured only with --candidate. */
export const CANDIDATE_SYSTEM_IDS: readonly SystemId[] = ['candidate-flush', 'candidate-memory'];

export const DEPLOYMENT_IDS = ['baseline', 'flush', 'commit', 'memory', 'candidate-flush', 'candidate-memory', 'cluster'] as const;
export type DeploymentId = (typeof DEPLOYMENT_IDS)[number];

export const BIND_HOST = '127.0.0.1';
/** Nodes in the cluster deployment: the smallest cluster where a quorum (2) is less than all (3). */
export const CLUSTER_NODE_COUNT = 3;

/** The daemon as built by `bun run build` (scripts/build.ts); --swarmkv-cli measures another build. */
export const SWARMKV_CLI_PATH = resolve(import.meta.dir, '../dist/swarmkv.mjs');

export interface SystemSpec {
  readonly id: SystemId;
  /** How tables name it. */
  readonly label: string;
  /** What it is, for the report. */
  readonly description: string;
  readonly deployment: DeploymentId;
  /** Query string every request carries ('' for none), e.g. `consistency=one`. */
  readonly query: string;
  /** The system this one's ratios divide by, measured in the same round; undefined for the baseline. */
  readonly reference: SystemId | undefined;
}

export const SYSTEMS: Record<SystemId, SystemSpec> = {
  baseline: {
    id: 'baseline',
    label: 'baseline (Elysia+Map)',
    description: 'bench/baseline-server.ts: Elysia + @elysiajs/node, a Map, default JSON parser',
    deployment: 'baseline',
    query: '',
    reference: undefined,
  },
  flush: {
    id: 'flush',
    label: 'swarmkv --sync flush',
    description: 'durable (default): a PUT is acknowledged after its LMDB group commit is fsynced',
    deployment: 'flush',
    query: '',
    reference: 'baseline',
  },
  commit: {
    id: 'commit',
    label: 'swarmkv --sync commit',
    description: 'a PUT is acknowledged after its LMDB commit, before fsync',
    deployment: 'commit',
    query: '',
    reference: 'baseline',
  },
  memory: {
    id: 'memory',
    label: 'swarmkv --memory',
    description: "the in-memory store: swarmkv's HTTP, coordinator and metrics path without LMDB",
    deployment: 'memory',
    query: '',
    reference: 'baseline',
  },
  'candidate-flush': {
    id: 'candidate-flush',
    label: 'candidate --sync flush',
    description: 'the --candidate build, durable: compared with this build\'s flush node',
    deployment: 'candidate-flush',
    query: '',
    reference: 'flush',
  },
  'candidate-memory': {
    id: 'candidate-memory',
    label: 'candidate --memory',
    description: 'the --candidate build, in memory: compared with this build\'s memory node',
    deployment: 'candidate-memory',
    query: '',
    reference: 'memory',
  },
  'cluster-one': {
    id: 'cluster-one',
    label: '3-node cluster, consistency=one',
    description: 'three durable (--sync flush) nodes, replication factor 3, load spread over all three; R = W = 1',
    deployment: 'cluster',
    query: 'consistency=one',
    reference: 'flush',
  },
  'cluster-quorum': {
    id: 'cluster-quorum',
    label: '3-node cluster, consistency=quorum',
    description: 'three durable (--sync flush) nodes, replication factor 3, load spread over all three; R = W = 2',
    deployment: 'cluster',
    query: 'consistency=quorum',
    reference: 'flush',
  },
};

/** The systems a measurement of `ids` needs as well: every reference, transitively. */
export function withReferences(ids: readonly SystemId[]): SystemId[] {
  const needed = new Set<SystemId>(ids);
  for (let grew = true; grew; ) {
    grew = false;
    for (const id of needed) {
      const reference = SYSTEMS[id].reference;
      if (reference !== undefined && !needed.has(reference)) {
        needed.add(reference);
        grew = true;
      }
    }
  }
  return SYSTEM_IDS.filter((id) => needed.has(id));
}

export function deploymentsOf(ids: readonly SystemId[]): DeploymentId[] {
  const used = new Set(ids.map((id) => SYSTEMS[id].deployment));
  return DEPLOYMENT_IDS.filter((id) => used.has(id));
}

/** Node's arguments for a swarmkv node (script first). */
export function swarmkvNodeArgs(options: { cliPath: string; dataDir: string; port: number; extra: readonly string[] }): string[] {
  return [
    options.cliPath,
    'node',
    '--host',
    BIND_HOST,
    '--port',
    String(options.port),
    '--data-dir',
    options.dataDir,
    // info, because the URL arrives in the `node.listening` line; requests themselves log nothing.
    '--log-level',
    'info',
    ...options.extra,
  ];
}

/** Node's arguments for a single-process deployment. */
export function singleNodeArgs(
  id: Exclude<DeploymentId, 'cluster'>,
  paths: { cliPath: string; candidateCliPath: string | undefined; baselineScript: string; dataDir: string },
): string[] {
  const node = (extra: string[]) => swarmkvNodeArgs({ cliPath: paths.cliPath, dataDir: paths.dataDir, port: 0, extra });
  const candidate = (extra: string[]) => {
    if (paths.candidateCliPath === undefined) throw new Error(`${id} needs --candidate`);
    return swarmkvNodeArgs({ cliPath: paths.candidateCliPath, dataDir: paths.dataDir, port: 0, extra });
  };
  switch (id) {
    case 'baseline':
      return [paths.baselineScript, '0'];
    case 'flush':
      return node(['--sync', 'flush']);
    case 'commit':
      return node(['--sync', 'commit']);
    case 'memory':
      return node(['--memory']);
    case 'candidate-flush':
      return candidate(['--sync', 'flush']);
    case 'candidate-memory':
      return candidate(['--memory']);
  }
}

export function dataDirFor(scratchDir: string, id: string): string {
  return join(scratchDir, `data-${id}`);
}
