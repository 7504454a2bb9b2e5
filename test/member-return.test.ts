// A member back from the dead catches up without waiting for the periodic anti-entropy pass. Three
// nodes with three replicas leave no stand-in to keep hints for a down replica, so a node killed while
// writes went on, then restarted on its data, lacked them until the next periodic pass (60 s by
// default): seen in `swarmkv up` after `swarmkv chaos kill`. Every node that held it dead now asks for
// a pass 2 s after it is alive again (`repair.pass_started {trigger: "member_returned"}`).
// The periodic interval here is 10 minutes, so only that pass can explain the catch-up, and no key is
// read through the coordinator path (so read repair plays no part either).

import { describe, expect, test } from 'bun:test';
import { NAMESPACES_AVAILABLE, useCluster, type ClusterNode, type TestCluster } from './support/cluster';
import { converge, CONVERGE_MS_MAX, mapConcurrent, REJOIN_MS_MAX } from './support/cluster-scenarios';

const TAG = 'member-return';
const KEYS = 200;
/** Well past the test: no periodic pass runs during it. */
const PERIODIC_PASS_MS = 600_000;
/** The return's pass starts 2 s after the member is alive again; a loaded 2-core machine gets slack. */
const CATCH_UP_MS_MAX = 20_000;
const SCENARIO_MS = 120_000;
const keyOf = (index: number) => `${TAG}:${String(index).padStart(3, '0')}`;

async function keysHeldBy(c: TestCluster, node: ClusterNode): Promise<number> {
  const replies = await mapConcurrent(Array.from({ length: KEYS }, (_, index) => keyOf(index)), (key) => c.local(node, key));
  return replies.filter((reply) => reply.status === 200).length;
}

describe.skipIf(!NAMESPACES_AVAILABLE)('a member back from the dead, 3 nodes with 3 replicas', () => {
  const triggers: { node: string; trigger: string }[] = [];
  const cluster = useCluster({
    nodes: 3,
    replicas: 3,
    nodeArgs: ['--anti-entropy-interval-ms', String(PERIODIC_PASS_MS)],
    eventSink: (node, fields) => {
      if (fields.event === 'repair.pass_completed') triggers.push({ node, trigger: String(fields.trigger) });
    },
  });

  test('a node killed through 200 quorum writes and restarted on its data holds them all within 20 s, by the pass its return asked for', async () => {
    const c = cluster();
    await converge(c, TAG);
    const [writer, , killed] = c.nodes as [ClusterNode, ClusterNode, ClusterNode];
    await c.kill9(killed);
    await c.waitFor(async () => (await c.members(writer)).some((member) => member.nodeId === killed.nodeId && member.state === 'dead'), REJOIN_MS_MAX, `${writer.name} declaring ${killed.name} dead`);
    const written = await mapConcurrent(Array.from({ length: KEYS }, (_, index) => index), (index) => c.put(writer, keyOf(index), { index }, 'quorum', 10_000));
    expect(written.filter((reply) => reply.status !== 200).map((reply) => reply.status)).toEqual([]);

    triggers.length = 0;
    await c.restart(killed);
    const restartedMs = performance.now();
    expect(await keysHeldBy(c, killed)).toBe(0);
    await c.waitFor(async () => (await keysHeldBy(c, killed)) === KEYS, CATCH_UP_MS_MAX, `${killed.name} to hold all ${KEYS} keys`);
    const caughtUpMs = Math.round(performance.now() - restartedMs);
    console.log(`[${TAG}] the restarted node held all ${KEYS} keys ${caughtUpMs} ms after it listened again (bar ${CATCH_UP_MS_MAX} ms)`);
    // The two nodes that had held it dead each ran the pass; the periodic tick never came.
    await c.waitFor(async () => triggers.filter((pass) => pass.trigger === 'member_returned').length >= 2, CATCH_UP_MS_MAX, 'both survivors to finish their member_returned pass');
    expect(triggers.filter((pass) => pass.trigger === 'periodic')).toEqual([]);
    expect(new Set(triggers.filter((pass) => pass.trigger === 'member_returned').map((pass) => pass.node))).toEqual(new Set(c.nodes.filter((node) => node !== killed).map((node) => node.name)));
  }, CONVERGE_MS_MAX + SCENARIO_MS);
});
