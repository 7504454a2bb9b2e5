// A replica that membership counts as up can still miss a write: here n1's messages to n3 are dropped
// (a chaos partition on n1's side, shorter than it takes to declare n3 dead; n2 still reaches both, so
// n3 stays a member everyone writes to). Quorum writes through n1 are acknowledged by n1 and n2, and n3's
// copy never leaves n1. Anti-entropy is off (`--anti-entropy-interval-ms 0`) and nothing reads the
// keys, so the only way n3 gets them is the hint n1 keeps as coordinator for each write n3 failed
// (replication/missed-replicas.ts), delivered by hinted handoff once the link is back.

import { describe, expect, test } from 'bun:test';
import { NAMESPACES_AVAILABLE, useCluster, type ClusterNode, type TestCluster } from './support/cluster';
import { ringsAgree } from './support/cluster-scenarios';
import { parseMetrics } from './support/kv-client';

const KEYS = 20;
/** n1 drops what it sends to n3 for this long: past the replica deadline (1.5 s), short of a dead verdict. */
const PARTITION_MS = 4000;
/** After the heal: the link back (well under a second), then a delivery tick (HINT_DELIVERY_INTERVAL_MS, 1 s), with room. */
const DELIVERED_MS_MAX = 8000;
const SETTLE_MS_MAX = 30_000;
const SCENARIO_MS = 90_000;

const cluster = useCluster({ nodes: 3, nodeArgs: ['--chaos', '--anti-entropy-interval-ms', '0'] });

async function hintsOf(c: TestCluster, node: ClusterNode): Promise<{ pending: number; missed: number; delivered: number }> {
  const reply = await c.request(node, 'GET', '/cluster/health');
  return reply.body.hints;
}

describe.skipIf(!NAMESPACES_AVAILABLE)('writes a live replica missed', () => {
  test(`are kept as hints by their coordinator and reach the replica after the link heals (${KEYS} quorum writes, anti-entropy off)`, async () => {
    const c = cluster();
    const [n1, n2, n3] = c.nodes as [ClusterNode, ClusterNode, ClusterNode];
    await c.waitFor(async () => (await c.allSeeAllAlive()) && (await ringsAgree(c, c.nodes)), SETTLE_MS_MAX, 'all alive on all, one ring');
    const cut = await c.request(n1, 'POST', '/chaos/partition', { json: { peers: [n3.name], durationMs: PARTITION_MS, run: 'missed-writes' } });
    expect(cut.status).toBe(200);
    const keys = Array.from({ length: KEYS }, (_, index) => `missed-${index}`);
    for (const key of keys) expect((await c.put(n1, key, key, 'quorum')).status).toBe(200);
    // Each of n3's writes fails at the replica deadline, after n1 and n2 acknowledged it.
    await c.waitFor(async () => (await hintsOf(c, n1)).missed >= KEYS, 10_000, `n1 keeping a hint for each of the ${KEYS} writes n3 missed`);
    expect((await c.local(n3, keys[0]!)).status).toBe(404);
    expect((await c.members(n1)).find((member) => member.nodeId === n3.nodeId)?.state).not.toBe('dead');
    await c.waitFor(async () => ((await c.request(n1, 'GET', '/chaos')).body.partition.peers.length as number) === 0, PARTITION_MS + 5000, 'the partition to heal by itself');
    const healedMs = performance.now();
    const tookMs = await c.waitFor(async () => (await Promise.all(keys.map((key) => c.local(n3, key)))).every((reply) => reply.status === 200), DELIVERED_MS_MAX, `n3 holding all ${KEYS} keys`);
    const hints = await hintsOf(c, n1);
    expect(hints).toMatchObject({ pending: 0, missed: KEYS });
    expect(hints.delivered).toBeGreaterThanOrEqual(KEYS);
    expect(parseMetrics((await c.request(n1, 'GET', '/metrics')).text).get('swarmkv_hints_missed_total')).toBe(KEYS);
    for (const key of keys) expect((await c.local(n3, key)).body.version).toBe((await c.local(n2, key)).body.version);
    console.log(`[missed-writes] ${KEYS} quorum writes through n1 while its messages to n3 were dropped: ${hints.missed} hints kept, all on n3 ${Math.round(tookMs)} ms after the heal was seen (${Math.round(performance.now() - healedMs)} ms with the checks)`);
  }, SCENARIO_MS);
});
