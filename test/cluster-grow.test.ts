// Growing a cluster from 3 to 5 nodes under load (issue 10): two nodes join at once, with no ordering,
// while quorum writes and quorum reads of acknowledged keys run. Each joiner becomes a pending owner,
// streams its ranges from the current replicas, then an owner. The bars: no acknowledged write lost, no
// quorum read answering 404 or an older value, no request refused except 503 `joining` by a node not
// yet routing by its owners' ring; after it settles, every key is held by every replica /cluster/locate
// names. API tokens made before the growth (records under system keys) stream like any other record. Figures are printed one per line. Needs root for `ip netns` (support/cluster.ts).

import { describe, expect, test } from 'bun:test';
import type { RebalanceReply } from '../node/src';
import { NAMESPACES_AVAILABLE, useCluster, type ClusterNode, type TestCluster } from './support/cluster';
import { converge, CONVERGE_MS_MAX, mapConcurrent } from './support/cluster-scenarios';
import { startWorkload } from './support/grow-workload';

const TAG = 'cluster-grow';
const REPLICAS = 3;
/** Keys written before the growth: what the joiners must stream in. */
const PRELOADED_KEYS = 3000;
const WORKERS = 4;
/** Two joins on a loaded CI machine: DHT lookups, convergence, then the streaming itself. */
const JOIN_MS_MAX = 120_000;
/** The workload keeps going this long once every node is an owner. */
const AFTER_JOIN_MS = 3000;
/** A quorum-acknowledged write reaches its last replica shortly after (anti-entropy at the latest). */
const SETTLE_MS_MAX = 60_000;
const SCENARIO_MS = CONVERGE_MS_MAX + JOIN_MS_MAX + SETTLE_MS_MAX;

async function rebalanceOf(cluster: TestCluster, node: ClusterNode): Promise<RebalanceReply> {
  const reply = await cluster.request(node, 'GET', '/cluster/rebalance');
  if (reply.status !== 200) throw new Error(`${node.name} GET /cluster/rebalance answered ${reply.status}`);
  return reply.body as RebalanceReply;
}

/** Every node an owner, and every node routing by the same current ring of all of them. */
async function allOwners(cluster: TestCluster, nodes: readonly ClusterNode[]): Promise<boolean> {
  const rings = await Promise.all(nodes.map((node) => cluster.ring(node)));
  const states = await Promise.all(nodes.map((node) => rebalanceOf(cluster, node)));
  return states.every((state) => state.ownership === 'owner') && rings.every((ring) => ring.digest === rings[0]!.digest && ring.members.length === nodes.length);
}

/** Keys not yet on every replica /cluster/locate names. */
async function misplaced(cluster: TestCluster, nodes: readonly ClusterNode[], keys: readonly string[]): Promise<string[]> {
  const byId = new Map(nodes.map((node) => [node.nodeId, node]));
  const missing = await mapConcurrent(keys, async (key) => {
    const located = await cluster.locate(nodes[0]!, key);
    const held = await Promise.all(located.replicas.map(async (replica) => (await cluster.local(byId.get(replica.nodeId)!, key)).status === 200));
    return located.replicas.length === REPLICAS && held.every(Boolean) ? null : key;
  });
  return missing.filter((key) => key !== null);
}

describe.skipIf(!NAMESPACES_AVAILABLE)('growing 3 -> 5 nodes under a quorum workload', () => {
  const cluster = useCluster({ nodes: 3, replicas: REPLICAS });

  test('two nodes join at once; nothing acknowledged is lost or read stale, and every key ends on its located replicas', async () => {
    const c = cluster();
    await converge(c, TAG);
    const preload = Array.from({ length: PRELOADED_KEYS }, (_, index) => `${TAG}:pre:${index}`);
    const writes = await mapConcurrent(preload, (key, index) => c.put(c.nodes[index % 3]!, key, { index, padding: 'p'.repeat(80) }, 'quorum'));
    expect(writes.filter((reply) => reply.status !== 200).map((reply) => reply.text)).toEqual([]);
    // API tokens are records under system keys (a NUL and 64 more characters), streamed like any other:
    // their leaf slots once read back as arrays and failed every transfer of their ranges for good.
    for (const label of ['a', 'b', 'c', 'd', 'e']) {
      const created = await c.request(c.nodes[0]!, 'POST', '/tokens', { json: { role: 'read', label } });
      expect(created.status).toBe(201);
    }

    const workload = startWorkload(c, c.nodes, `${TAG}:load`, WORKERS);
    const joinStarted = performance.now();
    const joiners = await Promise.all([c.addNode({ name: 'n4' }), c.addNode({ name: 'n5' })]);
    workload.coordinators.push(...joiners);
    const everyone = [...c.nodes, ...joiners];
    const joinMs = await c.waitFor(() => allOwners(c, everyone), JOIN_MS_MAX, 'all 5 nodes owners of one ring');
    await Bun.sleep(AFTER_JOIN_MS);
    const report = await workload.stop();
    const streamed = await Promise.all(joiners.map((node) => rebalanceOf(c, node)));
    console.log(`[${TAG}] n4 and n5 joined and became owners ${Math.round(performance.now() - joinStarted - AFTER_JOIN_MS)} ms after they were started (${Math.round(joinMs)} ms after both listened)`);
    for (const [index, state] of streamed.entries()) {
      const transfers = state.finished.filter((transfer) => transfer.state === 'finished');
      console.log(`[${TAG}] ${joiners[index]!.name} streamed ${state.keysStreamed} keys, ${state.bytesStreamed} bytes in ${transfers.length} finished transfers (last ones listed)`);
    }
    console.log(`[${TAG}] workload: ${report.writes} quorum writes, ${report.reads} quorum reads, ${report.refusedJoining} refused 503 joining, ${report.failures.length} failures`);
    expect(report.failures).toEqual([]);
    expect(streamed.every((state) => state.keysStreamed > 0)).toBe(true);

    // Every acknowledged key reads back at its last acknowledged value, through a node that joined.
    const expected = new Map<string, number | null>([...preload.map((key): [string, null] => [key, null]), ...report.acknowledged]);
    const wrong = await mapConcurrent([...expected.keys()], async (key) => {
      const got = await c.get(joiners[0]!, key, 'quorum');
      const body = got.body as { value?: { sequence?: number } } | null;
      const ok = got.status === 200 && (expected.get(key) === null || body?.value?.sequence === expected.get(key));
      return ok ? null : `${key}: ${got.status} ${got.text}`;
    });
    expect(wrong.filter((line) => line !== null)).toEqual([]);

    // Each round re-checks only the keys the previous one found short of a replica.
    let short = [...expected.keys()];
    let shortAtFirst: number | undefined;
    const settleMs = await c.waitFor(
      async () => {
        short = await misplaced(c, everyone, short);
        shortAtFirst ??= short.length;
        return short.length === 0;
      },
      SETTLE_MS_MAX,
      'every key on its 3 located replicas',
    );
    console.log(`[${TAG}] ${expected.size} keys each held by its 3 located replicas ${Math.round(settleMs)} ms after the workload stopped (${shortAtFirst} short of a replica at the first check)`);
  }, SCENARIO_MS);
});
