// Anti-entropy across real processes: three nodes (N=3), one paused with SIGSTOP (and declared dead)
// while 500 keys are written at consistency one through another, so the paused replica misses them.
// After SIGCONT, POST /cluster/repair on the node that missed them must bring every replica of every
// key to the same version within 30 s, with no read of any key in between (so read repair plays no
// part).
// Then `swarmkv repair` runs a pass on every member from the CLI, drawing its progress. Periodic
// passes are off (--anti-entropy-interval-ms 0) so that only the passes the test asks for run.

import { describe, expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { NAMESPACES_AVAILABLE, useCluster, type ClusterNode, type TestCluster } from './support/cluster';
import { converge, CONVERGE_MS_MAX, mapConcurrent, REJOIN_MS_MAX } from './support/cluster-scenarios';
import { scenarioStep } from './support/scenario-step';
import { CLI_PATH } from './support/spawn-node';

const TAG = 'anti-entropy';
const KEYS = 500;
const CONVERGE_AFTER_REPAIR_MS_MAX = 30_000;
const SCENARIO_MS = 180_000;
const CLI_TIMEOUT_MS = 60_000;
const keyOf = (index: number) => `${TAG}:${String(index).padStart(3, '0')}`;

/** Each node's own version of every key ('' where its store has none). */
async function localVersions(c: TestCluster, nodes: readonly ClusterNode[]): Promise<Map<string, string[]>> {
  const keys = Array.from({ length: KEYS }, (_, index) => keyOf(index));
  const rows = await mapConcurrent(keys, async (key) => {
    const replies = await Promise.all(nodes.map((node) => c.local(node, key)));
    return [key, replies.map((reply) => (reply.status === 200 ? String(reply.body.version) : ''))] as const;
  });
  return new Map(rows);
}

const allAgree = (versions: Map<string, string[]>) => [...versions.values()].every((row) => row[0] !== '' && row.every((version) => version === row[0]));

describe.skipIf(!NAMESPACES_AVAILABLE)('anti-entropy, 3 nodes in their own namespaces', () => {
  const cluster = useCluster({ nodes: 3, replicas: 3, nodeArgs: ['--anti-entropy-interval-ms', '0'] });
  const converged = scenarioStep(() => converge(cluster(), TAG));

  test('a replica paused through 500 writes at consistency one holds every key at the others’ version within 30 s of POST /cluster/repair', async () => {
    const c = cluster();
    await converged();
    const [writer, , paused] = c.nodes as [ClusterNode, ClusterNode, ClusterNode];
    c.pause(paused);
    try {
      // Writes sent to a stopped process wait in its socket buffers and land at SIGCONT; once the
      // writer has declared it dead, it sends it none at all, and the replica truly misses them.
      await c.waitFor(async () => (await c.members(writer)).some((member) => member.nodeId === paused.nodeId && member.state === 'dead'), REJOIN_MS_MAX, `${writer.name} declaring ${paused.name} dead`);
      const written = await mapConcurrent(Array.from({ length: KEYS }, (_, index) => index), (index) => c.put(writer, keyOf(index), { index }, 'one', 10_000));
      expect(written.filter((reply) => reply.status !== 200).map((reply) => reply.status)).toEqual([]);
    } finally {
      c.resume(paused);
    }
    await c.waitFor(() => c.allSeeAllAlive(), REJOIN_MS_MAX, 'all 3 alive on every node after SIGCONT');
    const before = await localVersions(c, c.nodes);
    const missing = [...before.values()].filter((row) => row[2] === '').length;
    console.log(`[${TAG}] after SIGCONT: the paused node lacks ${missing} of ${KEYS} keys`);
    expect(missing).toBeGreaterThan(KEYS / 2);

    const startedMs = performance.now();
    const started = await c.request(paused, 'POST', '/cluster/repair');
    const again = await c.request(paused, 'POST', '/cluster/repair');
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ running: true });
    expect(again.status === 409 || !(await c.request(paused, 'GET', '/cluster/repair')).body.running).toBe(true);
    if (again.status === 409) expect(again.body.error).toBe('conflict');
    await c.waitFor(async () => (await c.request(paused, 'GET', '/cluster/repair')).body.lastCompleted !== null, CONVERGE_AFTER_REPAIR_MS_MAX, 'the repair pass to complete');
    const passMs = performance.now() - startedMs;
    await c.waitFor(async () => allAgree(await localVersions(c, c.nodes)), CONVERGE_AFTER_REPAIR_MS_MAX - passMs, 'every replica of every key at one version');
    const convergedMs = performance.now() - startedMs;
    const status = (await c.request(paused, 'GET', '/cluster/repair')).body;
    console.log(
      `[${TAG}] POST /cluster/repair: pass over ${status.rangesTotal} ranges completed in ${status.lastCompleted.durationMs} ms, ${status.lastCompleted.keysRepaired} keys repaired, ${status.lastCompleted.bytesExchanged} bytes exchanged; all replicas of all ${KEYS} keys at one version ${Math.round(convergedMs)} ms after the POST (bar ${CONVERGE_AFTER_REPAIR_MS_MAX} ms)`,
    );
    expect(convergedMs).toBeLessThan(CONVERGE_AFTER_REPAIR_MS_MAX);
    expect(status.lastCompleted.keysRepaired).toBe(missing);
  }, CONVERGE_MS_MAX + SCENARIO_MS);

  test('swarmkv repair runs a pass on every member, draws its progress and exits 0; nothing is left to repair', async () => {
    const c = cluster();
    await converged();
    const startedMs = performance.now();
    const result = spawnSync('node', [CLI_PATH, 'repair', '--url', c.nodes[0]!.url], { encoding: 'utf8', timeout: CLI_TIMEOUT_MS });
    const elapsedMs = Math.round(performance.now() - startedMs);
    console.log(`[${TAG}] swarmkv repair exited ${result.status} after ${elapsedMs} ms: ${result.stdout.trim()}`);
    expect({ status: result.status, stderr: result.stderr }).toMatchObject({ status: 0 });
    expect(result.stderr).toContain('repair (3 nodes) [');
    expect(result.stderr).toContain('100 %');
    expect(result.stdout).toMatch(/^repaired 0 keys on 3 nodes, \d+ bytes exchanged, in [\d.]+ s\n$/);
  }, CONVERGE_MS_MAX + CLI_TIMEOUT_MS + 10_000);
});
