// What the elasticity suites (leave, remove and replace; join) hold a ring change to: a continuous
// workload of quorum writes and quorum reads of acknowledged keys, each key written by one client only
// (so "the last acknowledged write" of a key is well defined), and the checks after it:
//   - no quorum read answers 404, or a version older than the key's last acknowledged write;
//   - no acknowledged write is lost (read back at `all` once the ring settled);
//   - every key is held by exactly the replicas /cluster/locate names (no fewer, no extra copies).

import { expect } from 'bun:test';
import type { ClusterNode, TestCluster } from './cluster';
import { mapConcurrent } from './cluster-scenarios';

const CLIENTS = 6;
const KEYS_PER_CLIENT = 40;
/** Past the coordinator's quorum deadline (1.5 s): a slower answer is a failure, not a hang. */
const REQUEST_TIMEOUT_MS = 4000;
/** A read-back that answers 503 is asked again, this many times in all, this far apart. */
const READ_BACK_ATTEMPTS_MAX = 5;
const READ_BACK_RETRY_MS = 500;

export interface Acknowledged {
  readonly sequence: number;
  readonly version: string;
}

export interface WorkloadReport {
  readonly writesAcknowledged: number;
  readonly writesRefused: number;
  readonly readsChecked: number;
  readonly readsUnavailable: number;
  /** Quorum reads that answered 404 or a version older than the last acknowledged write. */
  readonly badReads: readonly string[];
  /** Statuses of refused writes, counted (`503`, `timeout`, ...). */
  readonly refusals: Readonly<Record<string, number>>;
}

export class QuorumWorkload {
  readonly acknowledged = new Map<string, Acknowledged>();
  readonly #cluster: TestCluster;
  readonly #through: () => readonly ClusterNode[];
  readonly #tag: string;
  readonly #badReads: string[] = [];
  readonly #refusals: Record<string, number> = {};
  #writesAcknowledged = 0;
  #writesRefused = 0;
  #readsChecked = 0;
  #readsUnavailable = 0;
  #stopped = false;
  #clients: Promise<void[]> | undefined;

  /** `through`: the nodes requests may go to, asked again before every request. */
  constructor(cluster: TestCluster, through: () => readonly ClusterNode[], tag: string) {
    this.#cluster = cluster;
    this.#through = through;
    this.#tag = tag;
  }

  /** Writes acknowledged so far. */
  get writesAcknowledged(): number {
    return this.#writesAcknowledged;
  }

  start(): this {
    this.#clients = Promise.all(Array.from({ length: CLIENTS }, (_, client) => this.#client(client)));
    return this;
  }

  async stop(): Promise<WorkloadReport> {
    this.#stopped = true;
    await this.#clients;
    return {
      writesAcknowledged: this.#writesAcknowledged,
      writesRefused: this.#writesRefused,
      readsChecked: this.#readsChecked,
      readsUnavailable: this.#readsUnavailable,
      badReads: this.#badReads,
      refusals: this.#refusals,
    };
  }

  #node(index: number): ClusterNode {
    const nodes = this.#through();
    return nodes[index % nodes.length]!;
  }

  async #client(client: number): Promise<void> {
    for (let sequence = 0; !this.#stopped; sequence++) {
      const key = `${this.#tag}:w:${client}:${sequence % KEYS_PER_CLIENT}`;
      await this.#write(key, client, sequence);
      const readKey = `${this.#tag}:w:${client}:${Math.floor(Math.random() * Math.min(sequence + 1, KEYS_PER_CLIENT))}`;
      await this.#read(readKey, client + sequence + 1);
    }
  }

  async #write(key: string, client: number, sequence: number): Promise<void> {
    const reply = await this.#cluster.put(this.#node(client + sequence), key, { client, sequence }, 'quorum', REQUEST_TIMEOUT_MS).catch(() => undefined);
    if (reply?.status === 200) {
      this.acknowledged.set(key, { sequence, version: String(reply.body.version) });
      this.#writesAcknowledged++;
      return;
    }
    this.#writesRefused++;
    const why = reply === undefined ? 'no answer' : String(reply.status);
    this.#refusals[why] = (this.#refusals[why] ?? 0) + 1;
  }

  async #read(key: string, nodeIndex: number): Promise<void> {
    const expected = this.acknowledged.get(key);
    if (expected === undefined) return;
    const reply = await this.#cluster.get(this.#node(nodeIndex), key, 'quorum', REQUEST_TIMEOUT_MS).catch(() => undefined);
    if (reply === undefined || reply.status === 503) {
      this.#readsUnavailable++;
      return;
    }
    this.#readsChecked++;
    if (reply.status !== 200) this.#badReads.push(`${key}: ${reply.status} ${reply.text.slice(0, 100)}, acknowledged ${expected.version}`);
    else if (String(reply.body.version) < expected.version) this.#badReads.push(`${key}: read ${reply.body.version}, older than the acknowledged ${expected.version}`);
  }
}

/** Acknowledged writes that a read at `all` through the given nodes does not find (at their version or newer). */
export async function lostWrites(cluster: TestCluster, through: readonly ClusterNode[], acknowledged: ReadonlyMap<string, Acknowledged>): Promise<string[]> {
  const problems = await mapConcurrent([...acknowledged], async ([key, { version }], index) => {
    // A 503 (a replica too slow on a loaded machine) says nothing about the data: ask again, a few times.
    for (let attempt = 0; ; attempt++) {
      const reply = await cluster.get(through[(index + attempt) % through.length]!, key, 'all', REQUEST_TIMEOUT_MS).catch((error: unknown) => ({ status: 0, text: String(error), body: {} as Record<string, unknown> }));
      if (reply.status === 200 && String(reply.body.version) >= version) return undefined;
      if ((reply.status !== 503 && reply.status !== 0) || attempt + 1 >= READ_BACK_ATTEMPTS_MAX) return `${key}: ${reply.status} ${reply.text.slice(0, 100)}, acknowledged ${version}`;
      await Bun.sleep(READ_BACK_RETRY_MS);
    }
  });
  return problems.filter((problem): problem is string => problem !== undefined);
}

/** Keys not held by exactly the replicas `/cluster/locate` names, among `nodes` (every node that runs). */
export async function misplacedKeys(cluster: TestCluster, nodes: readonly ClusterNode[], keys: readonly string[]): Promise<string[]> {
  const names = new Map(nodes.map((node) => [node.nodeId, node.name]));
  const problems = await mapConcurrent(keys, async (key, index) => {
    const located = (await cluster.locate(nodes[index % nodes.length]!, key)).replicas.map((replica) => names.get(replica.nodeId) ?? replica.nodeId).sort();
    const held = await Promise.all(nodes.map(async (node) => ((await cluster.local(node, key)).status === 200 ? node.name : undefined)));
    const holders = held.filter((name): name is string => name !== undefined).sort();
    return holders.join() === located.join() ? undefined : `${key}: held by [${holders}], located on [${located}]`;
  });
  return problems.filter((problem): problem is string => problem !== undefined);
}

/** Starts an anti-entropy pass on every given node (a 409, one already running, is as good). */
export async function repairEverywhere(cluster: TestCluster, nodes: readonly ClusterNode[]): Promise<void> {
  await Promise.all(nodes.map((node) => cluster.request(node, 'POST', '/cluster/repair')));
}

/**
 * Writes `count` keys `<tag>:pre:<i>` at quorum through the nodes in turn; returns the acknowledged
 * ones. A write refused (503 on a loaded machine) is not acknowledged, so nothing is owed for it; more
 * than half must be acknowledged for the scenario to mean anything.
 */
export async function preloadAcknowledged(cluster: TestCluster, tag: string, count: number): Promise<Map<string, Acknowledged>> {
  const acknowledged = new Map<string, Acknowledged>();
  const statuses = await mapConcurrent(Array.from({ length: count }, (_, index) => index), async (index) => {
    const key = `${tag}:pre:${index}`;
    const reply = await cluster.put(cluster.nodes[index % cluster.nodes.length]!, key, index, 'quorum');
    if (reply.status === 200) acknowledged.set(key, { sequence: 0, version: String(reply.body.version) });
    return reply.status;
  });
  const refusals = [...new Set(statuses.filter((status) => status !== 200))];
  console.log(`[${tag}] preloaded ${acknowledged.size} of ${count} keys at quorum (refused: ${refusals.join(', ') || 'none'})`);
  expect(acknowledged.size).toBeGreaterThan(count / 2);
  return acknowledged;
}
