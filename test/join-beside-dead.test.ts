// A node joining a real 3-node cluster (N = 3) while one member is dead and not removed: the joiner
// never heard from it, yet learns it dead from its peers' tables and counts it an owner, as the owners'
// reported ring says, so it routes by the ring every other node does and its join completes. Before
// this, it ignored the dead member, built a ring of the two live owners alone, and its join never ended.

import { describe, expect, test } from 'bun:test';
import { NAMESPACES_AVAILABLE, useCluster, type ClusterNode } from './support/cluster';
import { converge, CONVERGE_MS_MAX } from './support/cluster-scenarios';
import { preloadAcknowledged } from './support/elastic-workload';

const TAG = 'join-beside-dead';
const PRELOADED_KEYS = 120;
const STEP_MS_MAX = 60_000;

describe.skipIf(!NAMESPACES_AVAILABLE)('a node joins while a member is dead', () => {
  const cluster = useCluster({ nodes: 3, replicas: 3 });

  test('the cluster converges', async () => {
    await converge(cluster(), TAG);
  }, CONVERGE_MS_MAX + 30_000);

  test('the joiner learns the dead member, routes by the same ring of four as the others, finishes its join and takes its share', async () => {
    const c = cluster();
    const [n1, n2, n3] = c.nodes as [ClusterNode, ClusterNode, ClusterNode];
    const preloaded = await preloadAcknowledged(c, TAG, PRELOADED_KEYS);
    await c.kill9(n3);
    await c.waitFor(async () => (await Promise.all([n1, n2].map((node) => c.members(node)))).every((view) => view.find((member) => member.nodeId === n3.nodeId)?.state === 'dead'), STEP_MS_MAX, 'n3 dead on n1 and n2');

    const n4 = await c.addNode({ name: 'n4' });
    const live = [n1, n2, n4];
    const joinMs = await c.waitFor(async () => {
      const rings = await Promise.all(live.map((node) => c.ring(node)));
      return rings.every((ring) => ring.digest === rings[0]!.digest && ring.members.length === 4 && ring.jointRings.length === 0);
    }, STEP_MS_MAX, 'n1, n2 and n4 on one ring of four (n3 included), no ring change left');
    console.log(`[${TAG}] n4 joined beside dead n3: one ring of four on every live node ${Math.round(joinMs)} ms after n4 listened`);
    expect((await c.members(n4)).find((member) => member.nodeId === n3.nodeId)?.state).toBe('dead');
    expect((await c.ring(n4)).members).toContain(n3.nodeId);
    expect(n4.process.events.some((event) => event.event === 'ring.ownership_changed' && event.to === 'owner')).toBe(true);

    // It took its share of the keys written before it came, and serves quorum reads and writes.
    const held = await c.request(n4, 'GET', '/health');
    expect(held.body.storage.liveKeys).toBeGreaterThan(0);
    for (const key of [...preloaded.keys()].slice(0, 20)) expect((await c.get(n4, key, 'quorum')).status).toBe(200);
    expect((await c.put(n4, `${TAG}:after`, 'written through the joiner', 'quorum')).status).toBe(200);
    expect((await c.get(n1, `${TAG}:after`, 'quorum')).body.value).toBe('written through the joiner');
  }, 3 * STEP_MS_MAX);
});
