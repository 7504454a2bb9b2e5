// GET /cluster/explain/{key} and `swarmkv explain`, on a standalone node and on a real 3-process cluster
// with 2 replicas per key: a key written at `one` while one of its replicas is killed shows that replica
// unreachable and missing the version, and a hint pending for it on the stand-in; once it is back and
// the hint is delivered, every home replica holds the same version and nothing is pending.
// The cluster part also checks CORS between members: one member's origin may read another's routes.

import { describe, expect, setDefaultTimeout, test } from 'bun:test';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { NAMESPACES_AVAILABLE, useCluster, type ClusterNode, type TestCluster } from './support/cluster';
import { converge, CONVERGE_MS_MAX, REJOIN_MS_MAX } from './support/cluster-scenarios';
import { scenarioStep } from './support/scenario-step';
import { runCliToExit, useNode } from './support/node-lifecycle';
import { responseProblems } from './support/openapi-check';
import { CLI_PATH, http } from './support/spawn-node';

setDefaultTimeout(30_000);
const TAG = 'explain';
const REPLICAS = 2;
/** A killed node is no longer alive on the others within the lan profile's detection bar (5 s), with room. */
const DETECTION_MS_MAX = 15_000;
/** Writes at one are acknowledged by the first replica; the stand-in's hint lands a moment after. */
const HINT_VISIBLE_MS_MAX = 5_000;
const SCENARIO_MS = 120_000;

describe('explain on a standalone node', () => {
  const node = useNode();
  const url = () => node().url;

  test('a written key: one home replica, this node, holding the version just written; then its tombstone', async () => {
    const written = await http('PUT', `${url()}/kv/user%3A1`, { json: { value: 1 } });
    const explained = await http('GET', `${url()}/cluster/explain/user%3A1`);
    const nodeId = (await http('GET', `${url()}/health`)).body.nodeId;
    const location = (await http('GET', `${url()}/cluster/locate/user%3A1`)).body;
    expect(explained.status).toBe(200);
    expect(explained.body).toEqual({
      key: 'user:1',
      position: location.position,
      ringDigest: expect.any(String),
      replicas: [{ nodeId, name: expect.any(String), httpAddress: expect.any(String), role: 'home', state: 'alive', reachable: true, version: written.body.version, updatedAt: expect.any(String), deleted: false }],
      hints: [],
      agree: true,
      newestVersion: written.body.version,
    });
    expect((await http('DELETE', `${url()}/kv/user%3A1`)).status).toBe(204);
    const deleted = (await http('GET', `${url()}/cluster/explain/user%3A1`)).body;
    expect(deleted.replicas[0]).toMatchObject({ deleted: true, version: expect.any(String) });
    expect(deleted.replicas[0].version > written.body.version).toBe(true);
  });

  test('a key never written: no version anywhere, and the replicas trivially agree', async () => {
    const explained = await http('GET', `${url()}/cluster/explain/never`);
    expect(explained.body).toMatchObject({ replicas: [{ reachable: true, version: null, updatedAt: null, deleted: false }], agree: true, newestVersion: null });
  });

  test('a malformed key is a 400 that names the problem; answers fit the OpenAPI document', async () => {
    const tooLong = await http('GET', `${url()}/cluster/explain/${'x'.repeat(1025)}`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toMatchObject({ error: 'invalid_key' });
    const spec = (await http('GET', `${url()}/swagger/json`)).body;
    const ok = await http('GET', `${url()}/cluster/explain/a`);
    expect(responseProblems(spec, 'GET', '/cluster/explain/{key}', ok.status, ok.body)).toEqual([]);
    expect(responseProblems(spec, 'GET', '/cluster/explain/{key}', tooLong.status, tooLong.body)).toEqual([]);
  });

  test('swarmkv explain prints a table, and the route’s JSON with --json', async () => {
    await http('PUT', `${url()}/kv/cli-key`, { json: { value: 'v' } });
    const json = await runCliToExit(['explain', 'cli-key', '--json', '--url', url()]);
    expect(json.code).toBe(0);
    const explained = JSON.parse(json.stdout);
    expect(explained).toMatchObject({ key: 'cli-key', agree: true, replicas: [{ role: 'home', reachable: true }] });
    const table = await runCliToExit(['explain', 'cli-key', '--url', url()]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('"cli-key" at ring position');
    expect(table.stdout).toContain(explained.replicas[0].version);
    expect(table.stdout).toContain('hints pending: none');
    expect(table.stdout).toContain(`replicas agree on ${explained.newestVersion}`);
  });
});

async function explain(c: TestCluster, node: ClusterNode, key: string) {
  const reply = await c.request(node, 'GET', `/cluster/explain/${encodeURIComponent(key)}`, { timeoutMs: 10_000 });
  if (reply.status !== 200) throw new Error(`${node.name} explain answered ${reply.status} ${reply.text}`);
  return reply.body;
}

/** A key whose two home replicas include `victim`, as `observer` places it. */
async function keyReplicatedOn(c: TestCluster, observer: ClusterNode, victim: ClusterNode): Promise<string> {
  for (let index = 0; ; index++) {
    const key = `${TAG}:${index}`;
    if ((await c.locate(observer, key)).replicas.some((replica) => replica.nodeId === victim.nodeId)) return key;
  }
}

describe.skipIf(!NAMESPACES_AVAILABLE)('explain across 3 processes, 2 replicas, one killed and restarted', () => {
  const cluster = useCluster({ nodes: 3, replicas: REPLICAS });
  const converged = scenarioStep(() => converge(cluster(), TAG));

  test('the cluster converges; one member’s origin may read another’s routes, a foreign one may not', async () => {
    const c = cluster();
    await converged();
    const [n1, n2] = c.nodes;
    const origin = `http://${(await c.members(n1!)).find((member) => member.nodeId === n2!.nodeId)!.httpAddress}`;
    const member = await fetch(`${n1!.url}/cluster/members`, { headers: { origin } });
    expect(member.headers.get('access-control-allow-origin')).toBe(origin);
    const foreign = await fetch(`${n1!.url}/cluster/members`, { headers: { origin: 'http://10.99.0.1:7070' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  }, CONVERGE_MS_MAX + 30_000);

  // The next test's scenario, a step so that the restart test passes alone (-t) as well as after it.
  const writtenWhileDown = scenarioStep(async () => {
    await converged();
    const c = cluster();
    const [n1, n2, victim] = c.nodes as [ClusterNode, ClusterNode, ClusterNode];
    const key = await keyReplicatedOn(c, n1, victim);
    await c.kill9(victim);
    await c.waitFor(
      async () => (await Promise.all([n1, n2].map((node) => c.members(node)))).every((members) => members.find((member) => member.nodeId === victim.nodeId)?.state !== 'alive'),
      DETECTION_MS_MAX,
      `${victim.name} no longer alive on the live nodes`,
    );
    // Traced (?trace=true): the write's placement names the stand-in and whom it stands in for, and the
    // stand-in is asked to keep the write as a hint for the killed replica.
    const written = await c.request(n1, 'PUT', `/kv/${encodeURIComponent(key)}?consistency=one&trace=true`, { json: { value: 'while-down' } });
    expect(written.status).toBe(200);
    const version: string = written.body.version;
    const trace = written.body.trace;
    expect(trace.steps[0]).toMatchObject({ step: 'placement', purpose: 'write', needed: 1 });
    expect(trace.steps[0].replicas.filter((replica: any) => replica.standInFor !== undefined)).toEqual([{ nodeId: expect.any(String), standInFor: victim.nodeId, counts: true }]);
    expect(trace.steps).toContainEqual(expect.objectContaining({ step: 'ask', request: 'write', hintFor: victim.nodeId }));
    expect(trace.names[victim.nodeId]).toBe(victim.name);
    let explained: any;
    // At `one` the first acknowledgement may be either live replica's: the stand-in's hint with the home
    // replica's write still under way, or the other way round (n1 is the home or the stand-in, as the
    // key falls). Wait until both hold the version and the hint is visible before looking at them.
    await c.waitFor(async () => {
      explained = await explain(c, n2, key);
      const live = explained.replicas.filter((replica: any) => replica.nodeId !== victim.nodeId);
      const liveHold = live.length > 0 && live.every((replica: any) => replica.version === version);
      return liveHold && explained.hints.some((hint: any) => hint.targetNodeId === victim.nodeId);
    }, HINT_VISIBLE_MS_MAX, 'a hint pending for the killed replica, and the version on both live replicas');
    const located = await c.locate(n2, key);
    const homes = explained.replicas.filter((replica: any) => replica.role === 'home');
    expect(homes.map((replica: any) => replica.nodeId)).toEqual(located.replicas.map((replica) => replica.nodeId));
    const down = homes.find((replica: any) => replica.nodeId === victim.nodeId);
    expect(down).toMatchObject({ reachable: false, version: null });
    expect(down.state).not.toBe('alive');
    const up = homes.find((replica: any) => replica.nodeId !== victim.nodeId);
    expect(up).toMatchObject({ reachable: true, version, deleted: false });
    const standIn = c.nodes.find((node) => node !== victim && node.nodeId !== up.nodeId)!;
    expect(explained.replicas.filter((replica: any) => replica.role === 'stand-in')).toEqual([expect.objectContaining({ nodeId: standIn.nodeId, reachable: true, version })]);
    expect(trace.steps[0].replicas.find((replica: any) => replica.standInFor === victim.nodeId).nodeId).toBe(standIn.nodeId);
    expect(explained.hints).toEqual([{ holderNodeId: standIn.nodeId, targetNodeId: victim.nodeId, count: 1 }]);
    expect({ agree: explained.agree, newestVersion: explained.newestVersion }).toEqual({ agree: false, newestVersion: version });
    const shown = await promisify(execFile)('node', [CLI_PATH, 'explain', key, '--url', n1.url], { timeout: 20_000 });
    expect(shown.stdout).toContain('? (unreachable)');
    expect(shown.stdout).toContain(`hints pending: 1 held by ${standIn.name} for ${victim.name}`);
    expect(shown.stdout).toContain('replicas DISAGREE');
    // With N = 2, every range keeps a live replica when one node of three is dead: the listing is whole.
    const listed = await c.request(n2, 'GET', `/kv?prefix=${encodeURIComponent(`${TAG}:`)}`);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((item: any) => item.key)).toContain(key);
    // `swarmkv get --trace`: the value on stdout, the read's timeline on stderr, members by name.
    const traced = await promisify(execFile)('node', [CLI_PATH, 'get', key, '--trace', '--consistency', 'one', '--url', n1.url], { timeout: 20_000 });
    expect(traced.stdout).toBe('"while-down"\n');
    expect(traced.stderr).toMatch(new RegExp(`^trace: coordinated by ${n1.name}, answered in \\d+\\.\\d\\d ms\n`));
    expect(traced.stderr).toContain(`stand-in for ${victim.name}`);
    expect(traced.stderr).toMatch(/quorum met: 1 answered, 1 needed; newest /);
    expect(traced.stderr).toContain('answered 200');
    return { key, version };
  });

  test('written at one while a replica is down: that replica is unreachable without the version, a hint is pending for it', () => writtenWhileDown(), SCENARIO_MS);

  test('restarted, the hint is delivered and every home replica holds the version; nothing is pending', async () => {
    const { key, version } = await writtenWhileDown();
    const c = cluster();
    const victim = c.nodes[2]!;
    await c.restart(victim);
    let explained: any;
    const agreedMs = await c.waitFor(async () => {
      explained = await explain(c, c.nodes[0]!, key);
      return explained.agree && explained.hints.length === 0;
    }, REJOIN_MS_MAX, `the replicas of ${key} agreeing with no hint pending`);
    console.log(`[${TAG}] ${victim.name} back: its replicas of ${key} agree ${Math.round(agreedMs)} ms after it listened`);
    const homes = explained.replicas.filter((replica: any) => replica.role === 'home');
    expect(homes.map((replica: any) => [replica.reachable, replica.version])).toEqual([
      [true, version],
      [true, version],
    ]);
    expect(explained.replicas.filter((replica: any) => replica.role === 'stand-in')).toEqual([]);
    expect(explained.newestVersion).toBe(version);
    for (const node of c.nodes) expect((await explain(c, node, key)).agree).toBe(true);
  }, SCENARIO_MS);
});
