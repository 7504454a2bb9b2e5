// Replacing a node of a real 4-node cluster (N = 3) that was killed with kill -9: `swarmkv remove` it
// (refused while it is alive), the survivors re-replicate its share, the removed node restarted on its
// old data directory is refused (it stops, and refuses to start from then on), then a fresh node joins;
// at the end every node restarts at once and still knows the removal. All under a continuous workload of
// quorum writes and quorum reads of acknowledged keys. The bars: no quorum read answers 404 or an
// older version than the key's last acknowledged write, no acknowledged write is lost, and after each
// change settles every key is held by exactly the replicas /cluster/locate names (clean-up included).

import { describe, expect, test } from 'bun:test';
import type { RemovalReply } from '../node/src';
import { NAMESPACES_AVAILABLE, useCluster, type ClusterNode, type TestCluster } from './support/cluster';
import { converge, CONVERGE_MS_MAX } from './support/cluster-scenarios';
import { lostWrites, misplacedKeys, preloadAcknowledged, QuorumWorkload, type Acknowledged } from './support/elastic-workload';
import { runCliToExit } from './support/node-lifecycle';

const TAG = 'replace';
const PRELOADED_KEYS = 300;
const WRITES_PER_STEP = 150;
const STEP_MS_MAX = 60_000;
/** Re-replication after the removal, and the join then clean-up (its grace is 3 s here). */
const SETTLE_MS_MAX = 60_000;
const CLEANUP_GRACE_MS = 3000;
const SCENARIO_MS = 480_000;

async function moreWrites(cluster: TestCluster, workload: QuorumWorkload, what: string): Promise<void> {
  const target = workload.writesAcknowledged + WRITES_PER_STEP;
  await cluster.waitFor(() => workload.writesAcknowledged >= target, STEP_MS_MAX, what);
}

/** Until every observer routes by a ring of exactly `members`, all alive, with equal digests. */
async function ringOf(cluster: TestCluster, observers: readonly ClusterNode[], members: readonly ClusterNode[], what: string): Promise<number> {
  const wanted = members.map((node) => node.nodeId).sort();
  return cluster.waitFor(async () => {
    const rings = await Promise.all(observers.map((node) => cluster.ring(node)));
    const views = await Promise.all(observers.map((node) => cluster.members(node)));
    const alive = views.every((view) => wanted.every((id) => view.find((member) => member.nodeId === id)?.state === 'alive'));
    return alive && rings.every((ring) => ring.digest === rings[0]!.digest && ring.members.length === wanted.length);
  }, STEP_MS_MAX, what);
}

/**
 * Every node restarted (kill -9, so none gossips anything on the way out): membership starts from
 * disk, and each must list n4 removed at once, before any peer could tell it; the ring stays without it.
 */
async function removalSurvivesFullRestart(cluster: TestCluster, members: readonly ClusterNode[], removed: ClusterNode): Promise<void> {
  await Promise.all(members.map((node) => cluster.kill9(node)));
  for (const node of members) {
    await cluster.restart(node);
    const state = (await cluster.members(node)).find((member) => member.nodeId === removed.nodeId)?.state;
    expect({ node: node.name, state }).toEqual({ node: node.name, state: 'removed' });
  }
  await ringOf(cluster, members, members, 'a ring of the four members again after every node restarted');
}

async function settled(cluster: TestCluster, nodes: readonly ClusterNode[], keys: readonly string[], what: string): Promise<void> {
  let misplaced: string[] = [];
  const ms = await cluster.waitFor(async () => (misplaced = await misplacedKeys(cluster, nodes, keys)).length === 0, SETTLE_MS_MAX, what).catch(() => Number.NaN);
  console.log(`[${TAG}] ${what}: ${misplaced.length} of ${keys.length} keys not on exactly their located replicas (settled in ${Math.round(ms)} ms)${misplaced.length > 0 ? `; first: ${misplaced[0]}` : ''}`);
  expect(misplaced.slice(0, 10)).toEqual([]);
}

describe.skipIf(!NAMESPACES_AVAILABLE)('replace a kill -9 node: remove it, then a fresh join, under quorum writes and reads', () => {
  const cluster = useCluster({ nodes: 4, replicas: 3, nodeArgs: ['--cleanup-grace-ms', String(CLEANUP_GRACE_MS)] });

  test('the cluster converges', async () => {
    await converge(cluster(), TAG);
  }, CONVERGE_MS_MAX + 30_000);

  test('kill -9, remove, re-replicate, refuse the comeback, join a fresh node: nothing lost, no stale read', async () => {
    const c = cluster();
    const [n1, n2, n3, n4] = c.nodes as [ClusterNode, ClusterNode, ClusterNode, ClusterNode];
    const survivors = [n1, n2, n3];
    const preloaded = await preloadAcknowledged(c, TAG, PRELOADED_KEYS);
    const workload = new QuorumWorkload(c, () => survivors, TAG).start();
    await moreWrites(c, workload, 'writes acknowledged before the kill');

    await c.kill9(n4);
    const deadMs = await c.waitFor(async () => (await Promise.all(survivors.map((node) => c.members(node)))).every((view) => view.find((member) => member.nodeId === n4.nodeId)?.state === 'dead'), STEP_MS_MAX, 'n4 dead on every survivor');
    await moreWrites(c, workload, 'writes acknowledged while n4 is dead');

    const refused = await c.request(n1, 'POST', `/cluster/members/${n2.nodeId}/remove`);
    expect({ status: refused.status, error: refused.body.error, reason: refused.body.reason }).toEqual({ status: 409, error: 'conflict', reason: 'member_alive' });
    const cli = await runCliToExit(['remove', 'n4', '--url', n1.url, '--json'], STEP_MS_MAX);
    expect({ code: cli.code, stderr: cli.stderr.slice(-300) }).toEqual({ code: 0, stderr: '' });
    const removal = JSON.parse(cli.stdout) as RemovalReply;
    expect(removal).toMatchObject({ nodeId: n4.nodeId, name: 'n4', previousState: 'dead' });
    const ringMs = await c.waitFor(async () => {
      const views = await Promise.all(survivors.map(async (node) => ({ members: await c.members(node), ring: await c.ring(node) })));
      return views.every((view) => view.members.find((member) => member.nodeId === n4.nodeId)?.state === 'removed' && view.ring.members.length === 3);
    }, STEP_MS_MAX, 'every survivor lists n4 removed, with a ring of 3');
    const removedLine = (node: ClusterNode) => node.process.events.find((event) => event.event === 'member.removed' && event.member === n4.nodeId);
    // Each survivor logs it once it has dropped its hints for n4 (a batch at a time, after the ring change).
    await c.waitFor(() => survivors.every((node) => removedLine(node) !== undefined), STEP_MS_MAX, 'member.removed logged on every survivor');
    const removedLines = survivors.map(removedLine);
    console.log(`[${TAG}] n4 dead everywhere ${Math.round(deadMs)} ms after kill -9; removed (${JSON.stringify(removal)}), ring of 3 everywhere ${Math.round(ringMs)} ms later; member.removed: ${removedLines.map((line) => `hintsDropped=${line?.hintsDropped}`).join(' ')}`);
    expect(removedLines.every((line) => line !== undefined)).toBe(true);
    await moreWrites(c, workload, 'writes acknowledged after the removal');
    await settled(c, survivors, [...preloaded.keys(), ...workload.acknowledged.keys()], 'after the removal');

    // The removed node, restarted on its old data directory, hears it was removed and stops (exit 4).
    await c.restart(n4);
    const comeback = await Promise.race([n4.process.exited, Bun.sleep(STEP_MS_MAX).then(() => 'still running')]);
    expect(comeback).toEqual({ code: 4, signal: null });
    expect(n4.process.events.some((event) => event.event === 'membership.removed_self')).toBe(true);
    // It remembers that on its own disk: started again, it refuses before it meets any peer.
    const refusal = await c.restart(n4).then(() => 'started', (error: Error) => error.message);
    expect(refusal).toContain('was removed from its cluster');
    expect(await n4.process.exited).toEqual({ code: 4, signal: null });

    const n5 = await c.addNode({ name: 'n5' });
    const members = [...survivors, n5];
    const joinMs = await ringOf(c, members, members, 'n5 joined: a ring of n1, n2, n3, n5 on every node');
    console.log(`[${TAG}] fresh node n5 (${n5.nodeId}) joined, ring of 4 on every node ${Math.round(joinMs)} ms after it listened`);
    await moreWrites(c, workload, 'writes acknowledged after the join');
    const report = await workload.stop();
    console.log(`[${TAG}] workload: ${JSON.stringify({ ...report, badReads: report.badReads.length })}`);
    expect(report.badReads.slice(0, 10)).toEqual([]);

    const acknowledged = new Map([...preloaded, ...workload.acknowledged]);
    const lost = await lostWrites(c, survivors, acknowledged);
    console.log(`[${TAG}] read back at consistency=all: ${lost.length} of ${acknowledged.size} acknowledged keys lost`);
    expect(lost.slice(0, 10)).toEqual([]);
    await settled(c, members, [...acknowledged.keys()], 'after the join and clean-up');
    const cleaned = members.flatMap((node) => node.process.events.filter((event) => event.event === 'cleanup.pass_finished').map((event) => Number(event.deleted)));
    console.log(`[${TAG}] clean-up deleted ${cleaned.reduce((sum, count) => sum + count, 0)} copies no longer owned`);
    await removalSurvivesFullRestart(c, members, n4);
  }, SCENARIO_MS);
});
