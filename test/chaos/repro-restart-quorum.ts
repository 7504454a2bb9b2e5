// Reproduces the lost writes the long chaos run found: right after a node restarts, before it has
// heard from the others, it acknowledges quorum writes with itself as the only replica. Prints what the
// restarted node answers to quorum PUTs in its first seconds, and its view of members and ring.
// Run: ip netns exec <a loopback-only namespace> bun run test/chaos/repro-restart-quorum.ts

import { TestCluster } from '../support/cluster';
import { CONVERGE_MS_MAX, ringsAgree } from '../support/cluster-scenarios';

const PROBES = 20;
const PROBE_PAUSE_MS = 100;

const cluster = await TestCluster.start({ nodes: 3, replicas: 3 });
try {
  await cluster.waitFor(async () => (await cluster.allSeeAllAlive()) && (await ringsAgree(cluster, cluster.nodes)), CONVERGE_MS_MAX, 'all alive, owners of one ring');
  const node = cluster.nodes[0]!;
  await cluster.restart(node);
  const restartedAt = performance.now();
  for (let probe = 0; probe < PROBES; probe++) {
    const put = await cluster.put(node, `probe-${probe}`, probe, 'quorum');
    const ring = await cluster.ring(node);
    const members = await cluster.members(node);
    console.log(`${Math.round(performance.now() - restartedAt)} ms after listening: PUT quorum ${put.status} replicas [${put.headers.get('x-swarmkv-replicas')}] ${put.status === 200 ? '' : put.text}; ring members ${ring.members.length}, N ${ring.replicationFactor}; members ${members.map((m) => `${m.name}:${m.state}`).join(' ')}`);
    await Bun.sleep(PROBE_PAUSE_MS);
  }
} finally {
  await cluster.destroy();
}
