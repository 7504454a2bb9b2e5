// Hinted handoff across real processes: three nodes with two replicas per key, so every key owed to a
// killed node has exactly one stand-in, and each owed key becomes exactly one hint. kill -9 one node, write 200 keys at consistency one while it is down
// (each acknowledged: a stand-in's hint never counts toward a quorum, and with N = 2 an owed key has one
// home replica left, so `one` is what a client can get), check the stand-ins hold the owed keys as hints and not in their stores, restart the
// node on its data directory, and measure how long until every key it replicates is in its own store
// and every hint backlog is 0. The harness (support/cluster.ts) needs root for `ip netns`.

import { describe, expect, test } from 'bun:test';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { NAMESPACES_AVAILABLE, useCluster, type ClusterNode, type TestCluster } from './support/cluster';
import { converge, CONVERGE_MS_MAX, mapConcurrent, REJOIN_MS_MAX } from './support/cluster-scenarios';
import { scenarioStep } from './support/scenario-step';
import { parseMetrics } from './support/kv-client';
import { CLI_PATH } from './support/spawn-node';

const TAG = 'hinted-handoff';
const REPLICAS = 2;
const KEYS = 200;
/** The bar: every owed key is on the returned node within this long of it listening again. */
const DELIVERY_MS_MAX = 10_000;
/** Writes at one are acknowledged by the first replica; the stand-in's hint lands a moment later, within this. */
const HINT_SETTLE_MS_MAX = 5_000;
/** A killed node is no longer alive on the others within the lan profile's detection bar (5 s), with room. */
const DETECTION_MS_MAX = 15_000;
const SCENARIO_MS = 120_000;
/** The hint bound of the overflow scenario: small enough that 100 writes overrun it on every stand-in. */
const HINTS_MAX_SMALL = 10;

async function pendingHints(cluster: TestCluster, node: ClusterNode): Promise<number> {
  const reply = await cluster.request(node, 'GET', '/cluster/health');
  if (reply.status !== 200) throw new Error(`${node.name} /cluster/health answered ${reply.status}`);
  return reply.body.hints.pending as number;
}

/** Hints a node holds for one target, from /cluster/health's byTarget. */
async function hintsFor(cluster: TestCluster, node: ClusterNode, target: string): Promise<number> {
  const reply = await cluster.request(node, 'GET', '/cluster/health');
  if (reply.status !== 200) throw new Error(`${node.name} /cluster/health answered ${reply.status}`);
  return (reply.body.hints.byTarget as { nodeId: string; count: number }[]).find((entry) => entry.nodeId === target)?.count ?? 0;
}

/** What each live node logged from now on: its membership verdicts about the other live nodes. */
function watchLiveVerdicts(live: readonly ClusterNode[]): () => string[] {
  const before = live.map((node) => new Set(node.process.events));
  const liveIds = new Set(live.map((node) => node.nodeId));
  return () =>
    live.flatMap((node, index) =>
      node.process.events
        .filter((line) => !before[index]!.has(line) && line.event === 'membership.member_changed' && liveIds.has(line.member as string) && line.state !== 'alive')
        .map((line) => `${node.name} saw ${String(line.name)} ${String(line.state)}`),
    );
}

/** kill -9, then waits until no live node lists the victim alive (writes owed to it then go to stand-ins). */
async function killAndAwaitNotAlive(c: TestCluster, victim: ClusterNode, live: readonly ClusterNode[]): Promise<number> {
  await c.kill9(victim);
  return c.waitFor(
    async () => (await Promise.all(live.map((node) => c.members(node)))).every((members) => members.find((member) => member.nodeId === victim.nodeId)?.state !== 'alive'),
    DETECTION_MS_MAX,
    `${victim.name} no longer alive on the live nodes`,
  );
}

describe.skipIf(!NAMESPACES_AVAILABLE)('hinted handoff: 3 nodes, 2 replicas, one killed and restarted', () => {
  const cluster = useCluster({ nodes: 3, replicas: REPLICAS });
  const owed: string[] = [];
  let hintedForVictim = 0;

  const converged = scenarioStep(() => converge(cluster(), TAG));

  test('the cluster converges', async () => {
    await converged();
  }, CONVERGE_MS_MAX + 30_000);

  // The next test's scenario, a step so that the restart test passes alone (-t) as well as after it.
  const killedWithOwedWrites = scenarioStep(async () => {
    await converged();
    const c = cluster();
    const victim = c.nodes[2]!;
    const live = c.nodes.slice(0, 2);
    const detectedMs = await killAndAwaitNotAlive(c, victim, live);
    const keys = Array.from({ length: KEYS }, (_, index) => `${TAG}:${index}`);
    const liveVerdicts = watchLiveVerdicts(live);
    const writes = await mapConcurrent(keys, (key, index) => c.put(live[index % live.length]!, key, index, 'one'));
    expect(writes.filter((reply) => reply.status !== 200).map((reply) => `${reply.status} ${reply.text}`)).toEqual([]);
    const locations = await mapConcurrent(keys, (key) => c.locate(live[0]!, key));
    keys.forEach((key, index) => {
      if (locations[index]!.replicas.some((replica) => replica.nodeId === victim.nodeId)) owed.push(key);
    });
    expect(owed.length).toBeGreaterThan(0);
    // Each owed key's stand-in is the live node that is not among its replicas: it must not hold it in its store.
    const standInCopies = await mapConcurrent(owed, async (key, index) => {
      const standIn = live.find((node) => !locations[keys.indexOf(key)]!.replicas.some((replica) => replica.nodeId === node.nodeId))!;
      return { key, index, status: (await c.local(standIn, key)).status };
    });
    expect(standInCopies.filter((copy) => copy.status !== 404)).toEqual([]);
    const hintsForVictim = async () => (await Promise.all(live.map((node) => hintsFor(c, node, victim.nodeId)))).reduce((sum, count) => sum + count, 0);
    // With the live nodes alive to each other throughout, placement is fixed: every owed key's stand-in
    // keeps exactly one hint for the killed node. Wait for the last of them to land.
    const settledMs = await c.waitFor(async () => (await hintsForVictim()) === owed.length || liveVerdicts().length > 0, HINT_SETTLE_MS_MAX, `${owed.length} hints for ${victim.name}`).catch(() => HINT_SETTLE_MS_MAX);
    const forVictim = await hintsForVictim();
    const backlog = (await Promise.all(live.map((node) => pendingHints(c, node)))).reduce((sum, count) => sum + count, 0);
    const verdicts = liveVerdicts();
    hintedForVictim = forVictim;
    console.log(
      `[${TAG}] ${victim.name} not alive on the others ${Math.round(detectedMs)} ms after kill -9; ${KEYS} writes at one acknowledged, ${owed.length} owed to it, ${forVictim} hints pending for it on the stand-ins ${Math.round(settledMs)} ms after the last acknowledgement (${backlog} in all)`,
    );
    if (verdicts.length === 0) {
      expect(forVictim).toBe(owed.length);
    } else {
      // Not deterministic any more: a live replica that a loaded machine made briefly suspect during the
      // burst can take the only stand-in instead (hints for it, delivered at once); the killed node's
      // copy of such a key then comes by a repair pass (the next test). Never more hints than owed keys.
      console.log(`[${TAG}] live nodes suspected during the burst (${verdicts.join('; ')}): hints for ${victim.name} are not all of the owed keys`);
      expect(forVictim).toBeGreaterThan(0);
      expect(forVictim).toBeLessThanOrEqual(owed.length);
    }
    // `swarmkv status` asks every member for its backlog; the killed one cannot answer.
    const status = await promisify(execFile)('node', [CLI_PATH, 'status', '--json', '--url', live[0]!.url], { timeout: 20_000 });
    const shown = (JSON.parse(status.stdout) as { members: { nodeId: string; pendingHints: number | null }[] }).members;
    const pendingOf = async (node: ClusterNode) => pendingHints(c, node);
    expect(Object.fromEntries(shown.map((member) => [member.nodeId, member.pendingHints]))).toEqual({
      [live[0]!.nodeId]: await pendingOf(live[0]!),
      [live[1]!.nodeId]: await pendingOf(live[1]!),
      [victim.nodeId]: null,
    });
    // Its text says why the answering node holds the killed one down, under the table.
    const text = (await promisify(execFile)('node', [CLI_PATH, 'status', '--url', live[0]!.url], { timeout: 20_000 })).stdout;
    const escapedName = victim.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(text).toMatch(new RegExp(`^${escapedName} is (suspect|dead) for [^:]+: \\S.*$`, 'm'));
    // A read at one right after the write sees the value (the home replica has it; the stand-in's hint agrees).
    for (const key of owed.slice(0, 20)) expect((await c.get(live[0]!, key, 'one')).body?.value).toBe(keys.indexOf(key));
    // At quorum, with one home replica of two reachable, the stand-in does not make up the quorum: 503.
    expect((await c.get(live[0]!, owed[0]!, 'quorum')).status).toBe(503);
  });

  test('with a node killed, 200 writes at one are acknowledged; stand-ins hold the owed ones as hints, not in their stores', () => killedWithOwedWrites(), SCENARIO_MS);

  test('restarted on its data directory, the node receives every owed key within 10 s, and every backlog returns to 0', async () => {
    await killedWithOwedWrites();
    const c = cluster();
    const victim = c.nodes[2]!;
    await c.restart(victim);
    const listenedAt = performance.now();
    let missing = [...owed];
    let repairAsked = false;
    const deliveredMs = await c.waitFor(
      async () => {
        const copies = await mapConcurrent(missing, async (key) => ({ key, status: (await c.local(victim, key)).status }));
        missing = copies.filter((copy) => copy.status !== 200).map((copy) => copy.key);
        // Keys no hint was kept for (see the previous test) come with a repair pass, once the hints are in.
        if (missing.length > 0 && !repairAsked && owed.length - missing.length >= hintedForVictim) {
          repairAsked = (await c.request(victim, 'POST', '/cluster/repair')).status === 202;
        }
        return missing.length === 0;
      },
      REJOIN_MS_MAX,
      `every owed key in ${victim.name}'s store (${missing.length} missing)`,
    );
    const drainedMs = await c.waitFor(async () => (await Promise.all(c.nodes.map((node) => pendingHints(c, node)))).every((count) => count === 0), REJOIN_MS_MAX, 'every hint backlog at 0');
    const delivered = (await Promise.all(c.nodes.map((node) => c.request(node, 'GET', '/cluster/health')))).reduce((sum, reply) => sum + (reply.body.hints.delivered as number), 0);
    const deliveryLines = c.nodes.flatMap((node) => node.process.events.filter((line) => line.event === 'hints.delivered')).length;
    console.log(
      `[${TAG}] ${victim.name} restarted: all ${owed.length} owed keys in its store ${Math.round(deliveredMs)} ms after it listened (bar ${DELIVERY_MS_MAX} ms), backlogs 0 after ${Math.round(performance.now() - listenedAt)} ms (polled ${Math.round(drainedMs)} ms more); ${delivered} hints delivered in ${deliveryLines} batches`,
    );
    console.log(`[${TAG}] ${hintedForVictim} of ${owed.length} owed keys came by hinted handoff${repairAsked ? `, the rest by a repair pass` : ''}`);
    expect(deliveredMs).toBeLessThan(DELIVERY_MS_MAX);
    expect(delivered).toBeGreaterThanOrEqual(hintedForVictim);
    for (const key of owed.slice(0, 20)) {
      const copy = await c.local(victim, key);
      expect(copy.body.deleted).toBe(false);
    }
  }, SCENARIO_MS);
});

describe.skipIf(!NAMESPACES_AVAILABLE)(`hint overflow: 3 nodes, 2 replicas, --hints-max ${HINTS_MAX_SMALL}, one killed`, () => {
  const cluster = useCluster({ nodes: 3, replicas: REPLICAS, nodeArgs: ['--hints-max', String(HINTS_MAX_SMALL)] });

  test('beyond the bound a stand-in refuses the hint: the refusal is counted and logged, never stored; the home replica still acknowledges', async () => {
    const c = cluster();
    await converge(c, `${TAG}-overflow`);
    const victim = c.nodes[2]!;
    const live = c.nodes.slice(0, 2);
    await killAndAwaitNotAlive(c, victim, live);
    const keys = Array.from({ length: 100 }, (_, index) => `${TAG}:overflow:${index}`);
    // One at a time: which writes find the bound reached is then exact.
    const statuses: number[] = [];
    for (const [index, key] of keys.entries()) statuses.push((await c.put(live[index % 2]!, key, index, 'one')).status);
    const locations = await mapConcurrent(keys, (key) => c.locate(live[0]!, key));
    const owedIndexes = keys.flatMap((_, index) => (locations[index]!.replicas.some((replica) => replica.nodeId === victim.nodeId) ? [index] : []));
    // Every owed write ends on its stand-in as a hint or as a refusal; wait until each one has.
    const hintHealths = () => Promise.all(live.map(async (node) => (await c.request(node, 'GET', '/cluster/health')).body.hints));
    await c.waitFor(async () => (await hintHealths()).reduce((sum, hints) => sum + hints.pending + hints.overflowed, 0) >= owedIndexes.length, HINT_SETTLE_MS_MAX, 'every owed write hinted or refused');
    const healths = await hintHealths();
    const pending = healths.reduce((sum, hints) => sum + hints.pending, 0);
    const overflowed = healths.reduce((sum, hints) => sum + hints.overflowed, 0);
    const refused = owedIndexes.length - pending;
    console.log(`[${TAG}-overflow] ${owedIndexes.length} of ${keys.length} writes owed to ${victim.name}: hints pending ${pending} (bound ${HINTS_MAX_SMALL} per stand-in), ${refused} refused (overflowed ${overflowed}); every write acknowledged by its home replica`);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect(healths.every((hints) => hints.pending <= HINTS_MAX_SMALL)).toBe(true);
    expect(refused).toBeGreaterThan(0);
    expect(overflowed).toBe(refused);
    for (const [index, node] of live.entries()) {
      if (healths[index].overflowed === 0) continue;
      const lines = node.process.events.filter((line) => line.event === 'hints.overflow');
      // Rate-limited: one line in the first 10 s however many refusals.
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ level: 'warn', hintsMax: HINTS_MAX_SMALL });
      const metrics = parseMetrics((await c.request(node, 'GET', '/metrics')).text);
      expect(metrics.get('swarmkv_hints_overflowed_total')).toBe(healths[index].overflowed);
      expect(metrics.get('swarmkv_hints_pending')).toBe(healths[index].pending);
    }
  }, SCENARIO_MS + CONVERGE_MS_MAX);
});
