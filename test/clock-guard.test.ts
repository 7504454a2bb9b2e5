// The clock-offset bound (--max-clock-offset-ms, 500 ms by default) on a real three-node cluster, each
// node in its own network namespace. Every member reads the others' clocks each second; a node whose
// clock is off from most of its peers' by more than the bound refuses to coordinate writes (503
// unavailable, reason clock_offset) and says so in its log, while the others write on and reads go on
// everywhere. /cluster/members shows each member's offset. Then the skewed-minority scenario, which
// loses acknowledged writes on nodes without the bound (test/chaos-scenarios.test.ts), under `swarmkv
// check`: with the bound, the skewed node refuses the writes that would have won, and nothing is lost.

import { describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NAMESPACES_AVAILABLE, useCluster, type ClusterNode, type TestCluster } from './support/cluster';
import { ringsAgree } from './support/cluster-scenarios';
import { parseMetrics } from './support/kv-client';
import { checkDuring, runCli } from './support/scenario-scripts';

const MAX_OFFSET_MS = 500;
const SKEW_MS = 2000;
/** A probe a second, and room for a loaded machine. */
const DETECTION_MS_MAX = 10_000;
const CONVERGENCE_MS_MAX = 30_000;
const TEST_MS = 120_000;

async function settled(cluster: TestCluster): Promise<void> {
  await cluster.waitFor(() => cluster.allSeeAllAlive(), CONVERGENCE_MS_MAX, 'every member alive');
  await cluster.waitFor(() => ringsAgree(cluster, cluster.nodes), CONVERGENCE_MS_MAX, 'one ring everywhere, no joint ring');
}

function skew(cluster: TestCluster, node: ClusterNode, offsetMs: number) {
  return cluster.request(node, 'POST', '/chaos/skew', { json: { offsetMs, run: 'clock-guard' } });
}

async function offsetsSeenBy(cluster: TestCluster, observer: ClusterNode): Promise<Map<string, number | null>> {
  return new Map((await cluster.members(observer)).map((member) => [member.name, member.clockOffsetMs]));
}

describe.skipIf(!NAMESPACES_AVAILABLE)('the clock-offset bound', () => {
  const cluster = useCluster({ nodes: 3, nodeArgs: ['--chaos'] });

  test('a node skewed beyond the bound refuses to coordinate writes until its clock is back; the others write on, reads go on, every member shows the offsets', async () => {
    const c = cluster();
    const [n1, n2, n3] = c.nodes as [ClusterNode, ClusterNode, ClusterNode];
    await settled(c);
    // Every member has read every other's clock: true clocks, within the bound.
    for (const observer of [n1, n3]) {
      await c.waitFor(async () => [...(await offsetsSeenBy(c, observer)).values()].every((offset) => offset !== null), DETECTION_MS_MAX, `${observer.name} to read every clock`);
    }
    for (const offset of (await offsetsSeenBy(c, n1)).values()) expect(Math.abs(offset!)).toBeLessThan(MAX_OFFSET_MS);
    expect((await c.put(n3, 'guard:before', 'n3 on a true clock')).status).toBe(200);

    expect((await skew(c, n3, SKEW_MS)).status).toBe(200);
    // n3 sees its own clock jump against its monotonic clock at once: the first write after the skew is refused.
    const refused = await c.put(n3, 'guard:skewed', 'from a clock 2 s ahead');
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ error: 'unavailable', reason: 'clock_offset', maxOffsetMs: MAX_OFFSET_MS });
    expect(Math.abs(refused.body.offsetMs - SKEW_MS)).toBeLessThan(MAX_OFFSET_MS);
    expect(refused.body.message).toContain('ms ahead of its cluster');
    expect((await c.request(n3, 'DELETE', '/kv/guard:before')).status).toBe(503);
    // Nothing was written: the refusal came before the write was versioned.
    expect((await c.get(n1, 'guard:skewed', 'all')).status).toBe(404);
    // The others write on, and n3 still serves reads and takes their writes as a replica.
    expect((await c.put(n1, 'guard:skewed', 'from n1, on a true clock')).status).toBe(200);
    expect((await c.get(n3, 'guard:skewed')).body.value).toBe('from n1, on a true clock');
    expect((await c.local(n3, 'guard:skewed')).status).toBe(200);
    // Each member's view: n1 sees n3 ~2 s ahead from its next reading, n3 sees itself ~2 s ahead of its
    // cluster and the others ~2 s behind (its own jump needs no new reading).
    await c.waitFor(async () => Math.abs((await offsetsSeenBy(c, n1)).get(n3.name)! - SKEW_MS) < MAX_OFFSET_MS, DETECTION_MS_MAX, "n1 to read n3's clock 2 s ahead");
    const fromN1 = await offsetsSeenBy(c, n1);
    expect(Math.abs(fromN1.get(n1.name)!)).toBeLessThan(MAX_OFFSET_MS);
    const fromN3 = await offsetsSeenBy(c, n3);
    expect(Math.abs(fromN3.get(n3.name)! - SKEW_MS)).toBeLessThan(MAX_OFFSET_MS);
    expect(Math.abs(fromN3.get(n2.name)! + SKEW_MS)).toBeLessThan(MAX_OFFSET_MS);
    expect(n3.process.events.find((line) => line.event === 'clock.offset_exceeded')).toMatchObject({ level: 'warn', maxOffsetMs: MAX_OFFSET_MS, peersMeasured: 2, peersBeyond: 2 });
    expect((await c.request(n3, 'GET', '/cluster/members')).body.clock).toMatchObject({ synchronized: false, maxOffsetMs: MAX_OFFSET_MS });
    expect((await c.request(n1, 'GET', '/cluster/members')).body.clock).toMatchObject({ synchronized: true, maxOffsetMs: MAX_OFFSET_MS });
    const status = await runCli(['status'], [n3.url]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/n3 refuses writes: its clock is \+(1\.9|2\.\d) s off its cluster's, beyond its --max-clock-offset-ms of 500 ms/);
    const metricsOf = async (node: ClusterNode) => parseMetrics((await c.request(node, 'GET', '/metrics')).text);
    const skewedMetrics = await metricsOf(n3);
    expect(skewedMetrics.get('swarmkv_clock_synchronized')).toBe(0);
    expect(Math.abs(skewedMetrics.get('swarmkv_clock_offset_seconds')! - SKEW_MS / 1000)).toBeLessThan(MAX_OFFSET_MS / 1000);
    expect((await metricsOf(n1)).get('swarmkv_clock_synchronized')).toBe(1);
    // n1 and n2 never refused anything: one wrong clock among three stops only its own node.
    expect([...n1.process.events, ...n2.process.events].some((line) => line.event === 'clock.offset_exceeded')).toBe(false);

    expect((await skew(c, n3, 0)).status).toBe(200);
    await c.waitFor(async () => (await c.put(n3, 'guard:after', 'n3 back on a true clock')).status === 200, DETECTION_MS_MAX, 'n3 to write again once its clock is back');
    expect(n3.process.events.find((line) => line.event === 'clock.offset_restored')).toMatchObject({ peersBeyond: 0 });
  }, TEST_MS);

  test('a node restarted with a wrong clock refuses its first write: it waits for its first reading of a peer instead of versioning it by that clock', async () => {
    const c = cluster();
    const [n1, , n3] = c.nodes as [ClusterNode, ClusterNode, ClusterNode];
    await settled(c);
    await c.restart(n3, { extraArgs: ['--clock-offset-ms', String(SKEW_MS)] });
    const startedMs = performance.now();
    // Sent as soon as n3 listens, before it has met anyone: held until its first reading, then refused.
    const first = await c.put(n3, 'guard:restarted', 'from a clock 2 s ahead, just started');
    console.log(`[clock-guard] n3 restarted 2 s ahead: its first write answered ${first.status} after ${Math.round(performance.now() - startedMs)} ms`);
    expect(first.status).toBe(503);
    expect(first.body).toMatchObject({ error: 'unavailable', reason: 'clock_offset', maxOffsetMs: MAX_OFFSET_MS });
    expect((await c.get(n1, 'guard:restarted', 'all')).status).toBe(404);
    await c.restart(n3, { extraArgs: [] });
    await settled(c);
    await c.waitFor(async () => (await c.put(n3, 'guard:restarted', 'n3 back on a true clock')).status === 200, DETECTION_MS_MAX, 'n3 to write again on a true clock');
  }, TEST_MS);

  test('swarmkv check on the skewed minority: the node an hour ahead refuses the writes that would have won, and nothing acknowledged is lost', async () => {
    const c = cluster();
    const [n1, n2, n3] = c.nodes as [ClusterNode, ClusterNode, ClusterNode];
    await settled(c);
    const scratch = mkdtempSync(join(tmpdir(), 'swarmkv-clock-guard-'));
    try {
      const { result, report } = await checkDuring(c, scratch, 'skewed-minority.txt', 9);
      expect(report.scriptExitCode).toBe(0);
      expect(report.refusals['503 unavailable (clock_offset)']).toBeGreaterThan(0);
      expect(report.byMember[n1.name]!.refused + report.byMember[n2.name]!.refused).toBe(0);
      expect(report.byMember[n3.name]!.refused).toBeGreaterThan(0);
      expect(report.acknowledgedQuorumPuts).toBeGreaterThan(100);
      expect([report.lost, report.undoneDeletes, report.phantoms]).toEqual([[], [], []]);
      expect(report.staleReads.filter((stale) => stale.read.consistency !== 'one')).toEqual([]);
      expect(report).toMatchObject({ violations: 0, ok: true });
      expect(result.code).toBe(0);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    await c.waitFor(() => c.allSeeAllAlive(), CONVERGENCE_MS_MAX, 'every member alive after the skewed partition');
  }, TEST_MS);
});
