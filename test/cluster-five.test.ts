// Five real nodes, N=3 replicas, each node in a network namespace of its own and a DHT bootstrap in a
// sixth: membership converges, every key lives on exactly the three nodes /cluster/locate names (and
// nowhere else), a kill -9 is detected everywhere within 5 s under quorum traffic, and the killed node
// rejoins. Figures are printed one per line. Needs root for `ip netns` (support/cluster.ts).

import { describe, test } from 'bun:test';
import { NAMESPACES_AVAILABLE, useCluster } from './support/cluster';
import { scenarioStep } from './support/scenario-step';
import { converge, CONVERGE_MS_MAX, killAndDetect, listEverywhere, placement, restartAndRejoin, writeOneReadAll } from './support/cluster-scenarios';

const TAG = 'cluster-5';
const REPLICAS = 3;
const SCENARIO_MS = 120_000;

describe.skipIf(!NAMESPACES_AVAILABLE)('a 5-node cluster with 3 replicas, one namespace per process', () => {
  const cluster = useCluster({ nodes: 5, replicas: REPLICAS });
  const converged = scenarioStep(() => converge(cluster(), TAG));
  const placed = scenarioStep(async () => {
    await converged();
    await placement(cluster(), TAG, REPLICAS);
  });
  const outage = scenarioStep(async () => {
    await converged();
    return killAndDetect(cluster(), cluster().nodes[4]!, TAG);
  });

  test('(b) membership converges: every node sees all 5 alive, and every ring digest is equal', async () => {
    await converged();
  }, CONVERGE_MS_MAX + 30_000);

  test('(a) a write through one node reads back through every other', async () => {
    await converged();
    await writeOneReadAll(cluster(), TAG);
  }, CONVERGE_MS_MAX + 30_000);

  test('(c) for 200 keys, the nodes holding a key are exactly its 3 located replicas of 5', async () => {
    await placed();
  }, SCENARIO_MS);

  test('GET /kv lists the whole cluster through any node, paginated, without duplicates', async () => {
    await placed(); // the listing reads the keys placement wrote
    await listEverywhere(cluster(), TAG);
  }, SCENARIO_MS);

  test('(d) kill -9: every other node lists it dead within 5 s; quorum reads and writes are served throughout', async () => {
    await outage();
  }, SCENARIO_MS);

  test('(e) the killed node restarts on its data directory and rejoins as alive with a higher incarnation', async () => {
    const { incarnationBefore, acknowledged } = await outage();
    await restartAndRejoin(cluster(), cluster().nodes[4]!, incarnationBefore, acknowledged, TAG);
  }, SCENARIO_MS);
});
