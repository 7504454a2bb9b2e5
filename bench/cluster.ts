// The cluster deployment: three swarmkv nodes (durable, or in memory with `memory`) on 127.0.0.1 forming a cluster over a private DHT
// that the first node founds (`--dht-port`) and the others bootstrap from. Never the public DHT.
// It is ready to measure once every node lists every node as "alive", all nodes agree on the ring, and
// every node is ready (joined as an owner of that ring).

import { randomBytes } from 'node:crypto';
import type { Deployment } from './deployment';
import { freeTcpPort, freeUdpPort } from './ports';
import { ServerProcess } from './server-process';
import { dataDirFor, swarmkvNodeArgs } from './swarmkv-args';
import { BIND_HOST, CLUSTER_NODE_COUNT } from './systems';

/** How long the nodes get to find each other: DHT bootstrap, then the gossip converging. */
export const CLUSTER_FORM_TIMEOUT_MS = 45_000;
/** A cluster where no node has seen a single peer by then is not going to form (standalone nodes). */
const FIRST_PEER_TIMEOUT_MS = 15_000;
const MEMBERS_POLL_MS = 250;
/** Each poll of a node's membership must answer within this, or counts as not formed yet. */
const MEMBERS_REQUEST_TIMEOUT_MS = 2_000;
/**
 * A node gets this long after SIGTERM before SIGKILL: long enough that a slow exit is measured (the
 * last node was seen taking ~8 s), not cut short at the single servers' grace.
 */
const CLUSTER_STOP_GRACE_MS = 15_000;

export class ClusterNotFormedError extends Error {
  override readonly name = 'ClusterNotFormedError';
}

interface MemberEntry {
  readonly name?: unknown;
  readonly state?: unknown;
}

export class ClusterDeployment implements Deployment {
  readonly label: string;
  readonly #nodes: readonly ServerProcess[];
  #stopping: Promise<void> | undefined;

  private constructor(label: string, nodes: readonly ServerProcess[]) {
    this.label = label;
    this.#nodes = nodes;
  }

  /**
   * Starts the nodes: the first, founding the DHT, then the others bootstrapping from it. `nodeFlags`
   * gives Node's own flags for a node by name (profiling), `cpus` the taskset list they all share.
   */
  static async start(options: {
    label: string;
    cliPath: string;
    scratchDir: string;
    cpus: string | undefined;
    nodeFlags: (name: string) => string[];
    stopGraceMs: number | undefined;
    /** In-memory nodes (--memory) instead of durable ones (--sync flush): the cluster without its storage. */
    memory?: boolean;
  }): Promise<ClusterDeployment> {
    const storageFlags = options.memory === true ? ['--memory'] : ['--sync', 'flush'];
    const secret = randomBytes(16).toString('hex');
    const dhtPort = await freeUdpPort();
    const nodes: ServerProcess[] = [];
    const startNode = async (index: number, clusterFlags: string[]) => {
      const name = `bench-node-${index + 1}`;
      const port = await freeTcpPort();
      const args = swarmkvNodeArgs({
        cliPath: options.cliPath,
        dataDir: dataDirFor(options.scratchDir, `${options.label}-${name}`),
        port,
        extra: ['--name', name, ...storageFlags, '--secret', secret, '--profile', 'local', ...clusterFlags],
      });
      const node = await ServerProcess.start(`${options.label} ${name}`, [...options.nodeFlags(name), ...args], options.cpus, options.stopGraceMs ?? CLUSTER_STOP_GRACE_MS);
      nodes[index] = node;
    };
    try {
      await startNode(0, ['--dht-port', String(dhtPort)]);
      const others = Array.from({ length: CLUSTER_NODE_COUNT - 1 }, (_, offset) => startNode(offset + 1, ['--bootstrap', `${BIND_HOST}:${dhtPort}`]));
      const started = await Promise.allSettled(others);
      const failed = started.find((outcome) => outcome.status === 'rejected');
      if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
    } catch (error) {
      await Promise.all(nodes.filter((node) => node !== undefined).map((node) => node.stop()));
      throw error;
    }
    return new ClusterDeployment(options.label, nodes);
  }

  get urls(): string[] {
    return this.#nodes.map((node) => node.url);
  }

  get pids(): number[] {
    return this.#nodes.flatMap((node) => (node.pid === undefined ? [] : [node.pid]));
  }

  stderr(): string {
    return this.#nodes.map((node, index) => `[node ${index + 1}] ${node.stderr()}`).join('\n');
  }

  /**
   * Stops the nodes as a cluster is taken down one node at a time: all but the last together, then the
   * last once its peers are gone, the case where its exit used to wait on peers that no longer answer.
   */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await Promise.all(this.#nodes.slice(0, -1).map((node) => node.stop()));
      await this.#nodes.at(-1)?.stop();
    })();
    return this.#stopping;
  }

  /** Each node's time from SIGTERM to exit, once stopped; the last is the "within 2 s" goal. */
  get exitAfterTermMs(): (number | undefined)[] {
    return this.#nodes.map((node) => node.process.exitAfterTermMs);
  }

  /** Resolves once the cluster has formed; throws ClusterNotFormedError with what each node saw last. */
  async waitUntilFormed(timeoutMs: number = CLUSTER_FORM_TIMEOUT_MS): Promise<number> {
    const startedMs = performance.now();
    let views: string[] = [];
    while (performance.now() - startedMs < timeoutMs) {
      const observations = await Promise.all(this.urls.map((url) => observe(url)));
      views = observations.map((observation, index) => `node ${index + 1}: ${observation.summary}`);
      const digests = new Set(observations.map((observation) => observation.ringDigest));
      if (observations.every((observation) => observation.aliveMembers === CLUSTER_NODE_COUNT && observation.ready) && digests.size === 1) {
        return Math.round(performance.now() - startedMs);
      }
      const lonely = observations.every((observation) => observation.aliveMembers <= 1);
      if (lonely && performance.now() - startedMs > FIRST_PEER_TIMEOUT_MS) {
        throw new ClusterNotFormedError(`no node saw a peer within ${FIRST_PEER_TIMEOUT_MS} ms; last seen: ${views.join('; ')}`);
      }
      await Bun.sleep(MEMBERS_POLL_MS);
    }
    throw new ClusterNotFormedError(`not every node saw ${CLUSTER_NODE_COUNT} alive members and one ring within ${timeoutMs} ms; last seen: ${views.join('; ')}`);
  }
}

interface Observation {
  readonly aliveMembers: number;
  /** /health/ready answered 200: joined as an owner, so data requests are served (not 503 joining). */
  readonly ready: boolean;
  readonly ringDigest: string | undefined;
  readonly summary: string;
}

/** What one node says about the cluster: its members and their states, and its ring's digest. */
async function observe(url: string): Promise<Observation> {
  try {
    const [membersResponse, ringResponse, readyResponse] = await Promise.all([
      fetch(`${url}/cluster/members`, { signal: AbortSignal.timeout(MEMBERS_REQUEST_TIMEOUT_MS) }),
      fetch(`${url}/cluster/ring`, { signal: AbortSignal.timeout(MEMBERS_REQUEST_TIMEOUT_MS) }),
      fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(MEMBERS_REQUEST_TIMEOUT_MS) }),
    ]);
    const ready = readyResponse.status === 200;
    await readyResponse.body?.cancel();
    const members = ((await membersResponse.json()) as { members?: MemberEntry[] }).members ?? [];
    const ring = (await ringResponse.json()) as { digest?: unknown };
    const alive = members.filter((member) => member.state === 'alive').length;
    const states = members.map((member) => `${String(member.name)}=${String(member.state)}`).join(' ');
    const ringDigest = typeof ring.digest === 'string' ? ring.digest : undefined;
    return { aliveMembers: alive, ready, ringDigest, summary: `${members.length} member(s) [${states}], ring ${ringDigest?.slice(0, 12) ?? '?'}${ready ? '' : ', not ready'}` };
  } catch (error) {
    return { aliveMembers: 0, ready: false, ringDigest: undefined, summary: `no answer (${(error as Error).message})` };
  }
}
