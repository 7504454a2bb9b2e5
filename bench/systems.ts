// The systems the benchmark compares: the runtime's limit (node:http + Map), the bare Elysia + Map baseline, swarmkv's single node in its
// storage modes, a three-node swarmkv cluster read and written at two consistency levels, and the peers
// swarmkv is judged against: etcd with one and three members (through its JSON gateway) and a Redis
// Cluster of three masters and three replicas (RESP). Everything runs on 127.0.0.1.
//
// A system is what one table row measures; a deployment is the processes behind it. The two cluster
// systems share one deployment of three nodes and differ only in the `?consistency=` every request
// carries. The candidate systems run another build of swarmkv (--candidate), each against the same
// system of this build in the same rounds: an A/B test of a change, with the machine's drift cancelled.

export const SYSTEM_IDS = [
  'runtime',
  'baseline',
  'flush',
  'commit',
  'memory',
  'cluster-one',
  'cluster-quorum',
  'cluster-memory-quorum',
  'etcd-1',
  'etcd-3',
  'redis-cluster',
  'candidate-flush',
  'candidate-memory',
  'candidate-cluster-one',
  'candidate-cluster-quorum',
] as const;
export type SystemId = (typeof SYSTEM_IDS)[number];
/** Measured only with --candidate, each beside its reference. */
export const CANDIDATE_SYSTEM_IDS: readonly SystemId[] = ['candidate-flush', 'candidate-memory', 'candidate-cluster-one', 'candidate-cluster-quorum'];
/** What `npm run bench` measures without --systems: the comparison. */
export const DEFAULT_SYSTEM_IDS: readonly SystemId[] = ['runtime', 'baseline', 'flush', 'cluster-one', 'cluster-quorum', 'etcd-1', 'etcd-3', 'redis-cluster'];

export const DEPLOYMENT_IDS = [
  'runtime',
  'baseline',
  'flush',
  'commit',
  'memory',
  'candidate-flush',
  'candidate-memory',
  'cluster',
  'candidate-cluster',
  'memory-cluster',
  'etcd-1',
  'etcd-3',
  'redis-cluster',
] as const;
export type DeploymentId = (typeof DEPLOYMENT_IDS)[number];
export type ClusterDeploymentId = Extract<DeploymentId, 'cluster' | 'candidate-cluster' | 'memory-cluster'>;
export type SingleNodeDeploymentId = Exclude<DeploymentId, ClusterDeploymentId | 'etcd-1' | 'etcd-3' | 'redis-cluster'>;

/** How a system is spoken to: swarmkv's REST API, etcd's JSON gateway, or Redis's RESP. */
export type Protocol = 'swarmkv' | 'etcd' | 'redis';

export const BIND_HOST = '127.0.0.1';
/** Nodes in the cluster deployment: the smallest cluster where a quorum (2) is less than all (3). */
export const CLUSTER_NODE_COUNT = 3;

/** The systems every row is compared with when they are measured: the two yardsticks. */
export const ETCD_REFERENCE: SystemId = 'etcd-3';
export const BARE_REFERENCE: SystemId = 'baseline';
/** The runtime's limit (node:http + Map): what the single-node goals are read against, when measured. */
export const RUNTIME_REFERENCE: SystemId = 'runtime';
/** What a cluster's CPU per request is compared with: the single durable node. */
export const SINGLE_NODE_REFERENCE: SystemId = 'flush';

export interface SystemSpec {
  readonly id: SystemId;
  /** How tables name it. */
  readonly label: string;
  /** What it is, for the report. */
  readonly description: string;
  readonly deployment: DeploymentId;
  readonly protocol: Protocol;
  /** Query string every request carries ('' for none), e.g. `consistency=one`. */
  readonly query: string;
  /** The system it must be measured beside (a candidate's A side, a cluster's single node); undefined for none. */
  readonly reference: SystemId | undefined;
}

type Spec = Omit<SystemSpec, 'id' | 'query' | 'protocol'> & Partial<Pick<SystemSpec, 'query' | 'protocol'>>;

const CLUSTER_TEXT = 'three durable (--sync flush) nodes, replication factor 3, load spread over all three';

const SPECS: Record<SystemId, Spec> = {
  runtime: {
    label: 'raw node:http+Map',
    description: "bench/runtime-server.ts: node:http and a Map, the same routes, no framework and no storage: the runtime's limit",
    deployment: 'runtime',
    reference: undefined,
  },
  baseline: { label: 'bare Elysia+Map', description: 'bench/baseline-server.ts: Elysia + @elysiajs/node, a Map, default JSON parser', deployment: 'baseline', reference: undefined },
  flush: { label: 'swarmkv 1 node (durable)', description: 'durable (default): a PUT is acknowledged after its LMDB group commit is fsynced', deployment: 'flush', reference: 'baseline' },
  commit: { label: 'swarmkv 1 node --sync commit', description: 'a PUT is acknowledged after its LMDB commit, before fsync', deployment: 'commit', reference: 'baseline' },
  memory: { label: 'swarmkv 1 node --memory', description: "the in-memory store: swarmkv's HTTP, coordinator and metrics path without LMDB", deployment: 'memory', reference: 'baseline' },
  'cluster-one': { label: 'swarmkv 3 nodes, one', description: `${CLUSTER_TEXT}; R = W = 1`, deployment: 'cluster', query: 'consistency=one', reference: 'flush' },
  'cluster-quorum': { label: 'swarmkv 3 nodes, quorum', description: `${CLUSTER_TEXT}; R = W = 2`, deployment: 'cluster', query: 'consistency=quorum', reference: 'flush' },
  'cluster-memory-quorum': {
    label: 'swarmkv 3 --memory nodes, quorum',
    description: 'three in-memory (--memory) nodes, replication factor 3, R = W = 2: the cluster with storage taken out, the floor of what the HTTP path, the coordinator and the encrypted transport cost',
    deployment: 'memory-cluster',
    query: 'consistency=quorum',
    reference: 'flush',
  },
  'etcd-1': { label: 'etcd 1 member', description: "Debian's etcd-server, one member, JSON gateway (/v3/kv/range, /v3/kv/put), linearizable reads", deployment: 'etcd-1', protocol: 'etcd', reference: undefined },
  'etcd-3': { label: 'etcd 3 members', description: "Debian's etcd-server, three members, load spread over all three (followers forward to the leader), linearizable reads", deployment: 'etcd-3', protocol: 'etcd', reference: undefined },
  'redis-cluster': { label: 'Redis Cluster 3+3', description: "Debian's redis-server, 3 masters + 3 replicas, AOF fsynced every second, driven by redis-benchmark --cluster", deployment: 'redis-cluster', protocol: 'redis', reference: undefined },
  'candidate-flush': { label: 'candidate 1 node (durable)', description: "the --candidate build, durable: against this build's durable node", deployment: 'candidate-flush', reference: 'flush' },
  'candidate-memory': { label: 'candidate 1 node --memory', description: "the --candidate build, in memory: against this build's memory node", deployment: 'candidate-memory', reference: 'memory' },
  'candidate-cluster-one': { label: 'candidate 3 nodes, one', description: `the --candidate build, ${CLUSTER_TEXT}; against this build's cluster at one`, deployment: 'candidate-cluster', query: 'consistency=one', reference: 'cluster-one' },
  'candidate-cluster-quorum': { label: 'candidate 3 nodes, quorum', description: `the --candidate build, ${CLUSTER_TEXT}; against this build's cluster at quorum`, deployment: 'candidate-cluster', query: 'consistency=quorum', reference: 'cluster-quorum' },
};

export const SYSTEMS: Record<SystemId, SystemSpec> = Object.fromEntries(
  SYSTEM_IDS.map((id) => [id, { id, query: '', protocol: 'swarmkv', ...SPECS[id] } satisfies SystemSpec]),
) as Record<SystemId, SystemSpec>;

export const isClusterDeployment = (id: DeploymentId): id is ClusterDeploymentId => id === 'cluster' || id === 'candidate-cluster' || id === 'memory-cluster';
export const isSwarmkvCluster = (id: SystemId) => isClusterDeployment(SYSTEMS[id].deployment);

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
