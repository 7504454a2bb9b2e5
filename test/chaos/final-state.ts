// After the last heal: where every key lives (its home replicas), whether its replicas hold the same
// version (compared through /cluster/local on each), how long until they all do, and the final read of
// every key at consistency all. Replicas are compared before the final reads, because a read at all
// repairs the replicas it reads and would hide the difference the convergence bar measures.

import type { ClusterNode, TestCluster } from '../support/cluster';
import { mapConcurrent } from '../support/cluster-scenarios';
import type { FinalState } from '../../cli/src/checker';

const REQUESTS_IN_FLIGHT_MAX = 32;
const FINAL_READ_ATTEMPTS_MAX = 40;
const FINAL_READ_RETRY_MS = 250;
const CONVERGENCE_POLL_MS = 1000;
const REPAIR_REQUEST_TIMEOUT_MS = 10_000;

/** Key -> names of its home replicas, from one node's /cluster/locate (the ring keeps dead members). */
export async function homeReplicas(cluster: TestCluster, keys: readonly string[]): Promise<Map<string, string[]>> {
  const byId = new Map(cluster.nodes.map((node) => [node.nodeId, node.name]));
  const located = await mapConcurrent(keys, async (key) => (await cluster.locate(cluster.nodes[0]!, key)).replicas.map((replica) => byId.get(replica.nodeId) ?? replica.nodeId), REQUESTS_IN_FLIGHT_MAX);
  return new Map(keys.map((key, index) => [key, located[index]!]));
}

/**
 * POST /cluster/repair on every node, where the route exists (hinted handoff and anti-entropy are being
 * added; until then it answers 404 and nothing is triggered). Returns what each node answered.
 */
export async function triggerRepair(cluster: TestCluster): Promise<string> {
  const answers = await Promise.all(
    cluster.nodes.map(async (node) => {
      try {
        const reply = await cluster.request(node, 'POST', '/cluster/repair', { timeoutMs: REPAIR_REQUEST_TIMEOUT_MS });
        return `${node.name} ${reply.status === 404 && reply.body?.error === 'route_not_found' ? 'no route' : reply.status}`;
      } catch (error) {
        return `${node.name} ${(error as Error).message}`;
      }
    }),
  );
  return answers.join(', ');
}

/** A replica's version of the key, 'none' when it holds nothing; throws when the node does not answer. */
async function localVersion(cluster: TestCluster, node: ClusterNode, key: string): Promise<string> {
  const reply = await cluster.local(node, key);
  if (reply.status === 404) return 'none';
  if (reply.status !== 200) throw new Error(`${node.name} /cluster/local answered ${reply.status}`);
  return `${reply.body.version}${reply.body.deleted ? ' (deleted)' : ''}`;
}

export interface Convergence {
  /** ms from the last heal until every key's replicas agreed; undefined if they never did in the watch. */
  readonly convergedAfterHealMs: number | undefined;
  /** Keys still differing at the end of the watch, with each replica's version, first ones. */
  readonly differing: { key: string; versions: Record<string, string> }[];
  readonly differingCount: number;
}

/** Polls the keys whose replicas differ until none do or the watch ends (`watchUntilMs`, performance.now()). */
export async function watchConvergence(cluster: TestCluster, replicas: ReadonlyMap<string, readonly string[]>, lastHealMs: number, watchUntilMs: number): Promise<Convergence> {
  const byName = new Map(cluster.nodes.map((node) => [node.name, node]));
  let pending = [...replicas.keys()];
  let last: { key: string; versions: Record<string, string> }[] = [];
  for (;;) {
    const checked = await mapConcurrent(pending, async (key) => {
      const names = replicas.get(key) ?? [];
      const versions: Record<string, string> = {};
      for (const name of names) versions[name] = await localVersion(cluster, byName.get(name)!, key).catch((error: Error) => `unreachable: ${error.message}`);
      return { key, versions, same: new Set(Object.values(versions)).size <= 1 && !Object.values(versions).some((version) => version.startsWith('unreachable')) };
    }, REQUESTS_IN_FLIGHT_MAX);
    last = checked.filter((entry) => !entry.same).map(({ key, versions }) => ({ key, versions }));
    pending = last.map((entry) => entry.key);
    if (pending.length === 0) return { convergedAfterHealMs: performance.now() - lastHealMs, differing: [], differingCount: 0 };
    if (performance.now() + CONVERGENCE_POLL_MS > watchUntilMs) return { convergedAfterHealMs: undefined, differing: last.slice(0, 5), differingCount: last.length };
    await Bun.sleep(CONVERGENCE_POLL_MS);
  }
}

/** Every key read at consistency all, retried (through every node in turn) until the cluster answers 200 or 404. */
export async function finalReads(cluster: TestCluster, keys: readonly string[]): Promise<{ state: FinalState; unread: string[] }> {
  const state = new Map<string, string | null>();
  const unread: string[] = [];
  await mapConcurrent(keys, async (key, index) => {
    for (let attempt = 0; attempt < FINAL_READ_ATTEMPTS_MAX; attempt++) {
      const node = cluster.nodes[(index + attempt) % cluster.nodes.length]!;
      try {
        const reply = await cluster.get(node, key, 'all');
        if (reply.status === 200 || reply.status === 404) {
          state.set(key, reply.status === 200 ? String(reply.body.value) : null);
          return;
        }
      } catch {
        // Not answering yet: the next attempt asks the next node.
      }
      await Bun.sleep(FINAL_READ_RETRY_MS);
    }
    unread.push(key);
  }, REQUESTS_IN_FLIGHT_MAX);
  return { state, unread };
}
