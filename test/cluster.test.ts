// Three real nodes, each in a network namespace of its own, plus a DHT bootstrap in a fourth: the
// cluster forms, places and replicates keys, detects a kill -9 within the lan profile's 5 s while
// quorum traffic keeps being served, takes the killed node back, keeps out a node holding the wrong
// secret, and answers 503 instead of hanging when a quorum cannot be reached. Every measured figure is
// printed on one line. The harness (support/cluster.ts) needs root for `ip netns`.

import { describe, expect, test } from 'bun:test';
import { NAMESPACES_AVAILABLE, useCluster } from './support/cluster';
import { scenarioStep } from './support/scenario-step';
import { converge, CONVERGE_MS_MAX, killAndDetect, placement, REJOIN_MS_MAX, restartAndRejoin, writeOneReadAll } from './support/cluster-scenarios';

const TAG = 'cluster-3';
const REPLICAS = 3;
/** How long the wrong-secret node is watched for signs of having joined. */
const INTRUDER_WATCH_MS = 10_000;
/** The bar for a coordinator to give up on a quorum it cannot reach. */
const INSUFFICIENT_REPLICAS_MS_MAX = 2000;
const SCENARIO_MS = 120_000;

describe.skipIf(!NAMESPACES_AVAILABLE)('a 3-node cluster, one namespace per process', () => {
  const cluster = useCluster({ nodes: 3, replicas: REPLICAS });
  const converged = scenarioStep(() => converge(cluster(), TAG));
  const outage = scenarioStep(async () => {
    await converged();
    return killAndDetect(cluster(), cluster().nodes[2]!, TAG);
  });

  test('(b) membership converges: every node sees all 3 alive, and every ring digest is equal', async () => {
    await converged();
  }, CONVERGE_MS_MAX + 30_000);

  test('(a) a write through one node reads back through every other', async () => {
    await converged();
    await writeOneReadAll(cluster(), TAG);
  }, CONVERGE_MS_MAX + 30_000);

  test('(c) for 200 keys, the nodes holding a key are exactly its located replicas', async () => {
    await converged();
    await placement(cluster(), TAG, REPLICAS);
  }, SCENARIO_MS);

  test('(d) kill -9: every other node lists it dead within 5 s; quorum reads and writes are served throughout', async () => {
    await outage();
  }, SCENARIO_MS);

  test('(e) the killed node restarts on its data directory and rejoins as alive with a higher incarnation', async () => {
    const { incarnationBefore, acknowledged } = await outage();
    await restartAndRejoin(cluster(), cluster().nodes[2]!, incarnationBefore, acknowledged, TAG);
  }, SCENARIO_MS);

  test('(f) a node with the wrong secret on the same bootstrap never joins, and cannot read the cluster', async () => {
    await converged();
    const c = cluster();
    const key = `${TAG}:secret-kept`;
    expect((await c.put(c.nodes[0]!, key, 'members only', 'quorum')).status).toBe(200);
    const intruder = await c.addNode({ name: 'intruder', secret: 'not-the-cluster-secret-0123' });
    const startedAt = performance.now();
    let observations = 0;
    while (performance.now() - startedAt < INTRUDER_WATCH_MS) {
      for (const node of c.nodes) {
        const members = await c.members(node);
        expect({ node: node.name, listsIntruder: members.some((member) => member.nodeId === intruder.nodeId || member.name === 'intruder') }).toEqual({ node: node.name, listsIntruder: false });
      }
      const own = await c.members(intruder);
      expect(own.map((member) => [member.nodeId, member.self])).toEqual([[intruder.nodeId, true]]);
      observations++;
      await Bun.sleep(250);
    }
    const read = await c.get(intruder, key);
    console.log(`[${TAG}] wrong secret: in nobody's members and alone in its own over ${INTRUDER_WATCH_MS} ms (${observations} observations); its GET of a cluster key answered ${read.status}`);
    expect(read.status).toBe(404);
    await c.kill9(intruder);
  }, SCENARIO_MS);

  test('(g) with 2 of 3 nodes stopped, quorum writes answer 503 within 2 s (before and after they are declared dead), a write at one succeeds; SIGCONT recovers', async () => {
    const c = cluster();
    const [live, ...stopped] = c.nodes as [typeof c.nodes[0], ...typeof c.nodes];
    await c.waitFor(() => c.allSeeAllAlive(), REJOIN_MS_MAX, 'all 3 alive on every node before stopping two');
    for (const node of stopped) c.pause(node);
    let resumedAt = 0;
    try {
      const quorum = await c.put(live, `${TAG}:stopped:quorum`, 1, 'quorum', 10_000);
      const one = await c.put(live, `${TAG}:stopped:one`, 'kept', 'one', 10_000);
      console.log(`[${TAG}] 2 of 3 stopped: quorum write answered ${quorum.status} ${quorum.body?.error ?? ''} after ${Math.round(quorum.elapsedMs)} ms (bar ${INSUFFICIENT_REPLICAS_MS_MAX} ms); write at one answered ${one.status} after ${Math.round(one.elapsedMs)} ms`);
      expect(quorum.status).toBe(503);
      expect(quorum.body).toMatchObject({ error: 'insufficient_replicas', needed: 2 });
      expect(quorum.body.reached).toBeLessThan(2);
      expect(quorum.elapsedMs).toBeLessThan(INSUFFICIENT_REPLICAS_MS_MAX);
      expect(one.status).toBe(200);
      // Once the live node has declared both dead, it still may not shrink its quorum to itself.
      const deadMs = await c.waitFor(async () => (await c.members(live)).filter((member) => member.state === 'dead').length === 2, REJOIN_MS_MAX, `${live.name} listing both stopped nodes dead`);
      const later = await c.put(live, `${TAG}:stopped:quorum-later`, 1, 'quorum', 10_000);
      console.log(`[${TAG}] 2 of 3 stopped, both dead on ${live.name} (${Math.round(deadMs)} ms after the first writes): quorum write answered ${later.status} ${later.body?.error ?? ''} after ${Math.round(later.elapsedMs)} ms`);
      expect(later.status).toBe(503);
      expect(later.body.error).toBe('insufficient_replicas');
      expect(later.elapsedMs).toBeLessThan(INSUFFICIENT_REPLICAS_MS_MAX);
    } finally {
      for (const node of stopped) c.resume(node);
      resumedAt = performance.now();
    }
    const recovered = async () => (await c.allSeeAllAlive()) && (await c.put(live, `${TAG}:resumed`, 2, 'quorum')).status === 200;
    const recoveredMs = await c.waitFor(recovered, REJOIN_MS_MAX, 'all alive everywhere and a quorum write acknowledged after SIGCONT');
    const kept = await c.get(live, `${TAG}:stopped:one`, 'all');
    console.log(`[${TAG}] after SIGCONT: all alive and quorum writes acknowledged again after ${Math.round(performance.now() - resumedAt)} ms (polled ${Math.round(recoveredMs)} ms); the write at one reads back at all: ${kept.status}`);
    expect(kept.status).toBe(200);
    expect(kept.body.value).toBe('kept');
  }, SCENARIO_MS);
});
