// Shrinking a real 5-node cluster (N = 3) to 3 with `swarmkv leave`, one node after the other, under a
// continuous workload of quorum writes and quorum reads of acknowledged keys. The bars: no quorum read
// answers 404 or an older version than the key's last acknowledged write, no acknowledged write is
// lost, each leaver exits 0 once its data is acknowledged by its successors, and once the ring settled
// every key is held by exactly the replicas /cluster/locate names.

import { describe, expect, test } from 'bun:test';
import type { LeaveStatus } from '../node/src';
import { NAMESPACES_AVAILABLE, useCluster, type ClusterNode, type TestCluster } from './support/cluster';
import { converge, CONVERGE_MS_MAX, mapConcurrent } from './support/cluster-scenarios';
import { lostWrites, misplacedKeys, preloadAcknowledged, QuorumWorkload, type Acknowledged } from './support/elastic-workload';
import { runCliToExit } from './support/node-lifecycle';

const TAG = 'shrink';
const PRELOADED_KEYS = 400;
/** Acknowledged writes the workload must add between steps, so each step runs under load. */
const WRITES_PER_STEP = 150;
const STEP_MS_MAX = 60_000;
/** A leave of a few hundred keys on a loaded machine, with its report and the process's exit. */
const LEAVE_MS_MAX_HERE = 90_000;
/** The left node's ring change reaches every survivor, whose anti-entropy pass then fills the gaps. */
const SETTLE_MS_MAX = 45_000;
const SCENARIO_MS = 420_000;

async function heldBy(cluster: TestCluster, node: ClusterNode, keys: readonly string[]): Promise<number> {
  return (await mapConcurrent(keys, async (key) => (await cluster.local(node, key)).status === 200)).filter(Boolean).length;
}

/** Until the survivors list `gone` as left and route by a ring of `survivors` alone. */
async function ringWithout(cluster: TestCluster, survivors: readonly ClusterNode[], gone: ClusterNode): Promise<number> {
  return cluster.waitFor(async () => {
    const views = await Promise.all(survivors.map(async (node) => ({ members: await cluster.members(node), ring: await cluster.ring(node) })));
    return views.every((view) => view.members.find((member) => member.nodeId === gone.nodeId)?.state === 'left' && view.ring.members.length === survivors.length && view.ring.digest === views[0]!.ring.digest);
  }, STEP_MS_MAX, `every survivor sees ${gone.name} left, with a ring of ${survivors.length}`);
}

async function moreWrites(cluster: TestCluster, workload: QuorumWorkload, count: number, what: string): Promise<void> {
  const target = workload.writesAcknowledged + count;
  await cluster.waitFor(() => workload.writesAcknowledged >= target, STEP_MS_MAX, what);
}

describe.skipIf(!NAMESPACES_AVAILABLE)('shrink 5 -> 3 with swarmkv leave, under quorum writes and reads', () => {
  const cluster = useCluster({ nodes: 5, replicas: 3 });

  test('the cluster converges', async () => {
    await converge(cluster(), TAG);
  }, CONVERGE_MS_MAX + 30_000);

  test('two nodes leave one after the other: nothing lost, no stale read, every key on exactly its replicas', async () => {
    const c = cluster();
    const [n1, n2, n3, n4, n5] = c.nodes as [ClusterNode, ClusterNode, ClusterNode, ClusterNode, ClusterNode];
    const survivors = [n1, n2, n3];
    const preloaded = await preloadAcknowledged(c, TAG, PRELOADED_KEYS);
    const heldByLeavers = [await heldBy(c, n5, [...preloaded.keys()]), await heldBy(c, n4, [...preloaded.keys()])];
    const workload = new QuorumWorkload(c, () => survivors, TAG).start();
    await moreWrites(c, workload, WRITES_PER_STEP, 'writes acknowledged before the first leave');

    // n5 by the CLI, named to it through n1 (the CLI finds n5's address in n1's member list), which
    // follows the progress and exits 0 once the node reports it left.
    const startedMs = performance.now();
    const cli = await runCliToExit(['leave', n5.name, '--url', n1.url, '--json'], LEAVE_MS_MAX_HERE);
    const firstLeaveMs = performance.now() - startedMs;
    expect({ code: cli.code, stderr: cli.code === 0 ? '' : cli.stderr.slice(-500) }).toEqual({ code: 0, stderr: '' });
    const first = JSON.parse(cli.stdout) as LeaveStatus & { elapsedMs: number };
    expect(first).toMatchObject({ phase: 'left', failed: 0 });
    expect(first.recordsHandedOver).toBeGreaterThanOrEqual(heldByLeavers[0]!);
    expect(await Promise.race([n5.process.exited, Bun.sleep(STEP_MS_MAX).then(() => 'still running')])).toEqual({ code: 0, signal: null });
    // It remembers on its own disk that it left: started again on that data, it refuses (exit 4)
    // instead of taking its old ranges back with the data it held then.
    const refusal = await c.restart(n5).then(() => 'started', (error: Error) => error.message);
    expect(refusal).toContain('left its cluster at');
    expect(await n5.process.exited).toEqual({ code: 4, signal: null });
    const firstRingMs = await ringWithout(c, [n1, n2, n3, n4], n5);
    console.log(`[${TAG}] n5 left in ${Math.round(firstLeaveMs)} ms (held ${heldByLeavers[0]} of ${PRELOADED_KEYS} preloaded keys): ${JSON.stringify(first)}; ring of 4 on every survivor ${Math.round(firstRingMs)} ms later`);
    await moreWrites(c, workload, WRITES_PER_STEP, 'writes acknowledged between the leaves');

    // n4 by the API: POST /cluster/leave, then GET /cluster/leave until it reports left.
    const secondStartedMs = performance.now();
    const started = await c.request(n4, 'POST', '/cluster/leave');
    expect(started.status).toBe(202);
    let second = started.body as LeaveStatus;
    await c.waitFor(async () => {
      second = (await c.request(n4, 'GET', '/cluster/leave')).body as LeaveStatus;
      return second.phase === 'left' || second.phase === 'failed';
    }, LEAVE_MS_MAX_HERE, 'n4 reports its leave finished');
    expect(second).toMatchObject({ phase: 'left', failed: 0 });
    expect(await Promise.race([n4.process.exited, Bun.sleep(STEP_MS_MAX).then(() => 'still running')])).toEqual({ code: 0, signal: null });
    const secondRingMs = await ringWithout(c, survivors, n4);
    console.log(`[${TAG}] n4 left in ${Math.round(performance.now() - secondStartedMs)} ms (held ${heldByLeavers[1]} preloaded keys): ${JSON.stringify(second)}; ring of 3 ${Math.round(secondRingMs)} ms later`);
    await moreWrites(c, workload, WRITES_PER_STEP, 'writes acknowledged after the second leave');
    const report = await workload.stop();
    console.log(`[${TAG}] workload: ${JSON.stringify({ ...report, badReads: report.badReads.length })}`);
    expect(report.badReads.slice(0, 10)).toEqual([]);

    const acknowledged = new Map([...preloaded, ...workload.acknowledged]);
    const lost = await lostWrites(c, survivors, acknowledged);
    console.log(`[${TAG}] read back at consistency=all: ${lost.length} of ${acknowledged.size} acknowledged keys lost`);
    expect(lost.slice(0, 10)).toEqual([]);

    let misplaced: string[] = [];
    const settledMs = await c
      .waitFor(async () => (misplaced = await misplacedKeys(c, survivors, [...acknowledged.keys()])).length === 0, SETTLE_MS_MAX, 'every key on exactly its located replicas')
      .catch(() => Number.NaN);
    console.log(`[${TAG}] placement: ${misplaced.length} of ${acknowledged.size} keys not on exactly their located replicas (settled in ${Math.round(settledMs)} ms)${misplaced.length > 0 ? `; first: ${misplaced[0]}` : ''}`);
    expect(misplaced.slice(0, 10)).toEqual([]);
  }, SCENARIO_MS);
});
