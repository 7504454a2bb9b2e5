// The cluster harness itself (support/cluster.ts), on machinery that needs no cluster protocol: every
// process runs in its own namespace and is reachable over the bridge, the bootstrap's UDP socket is on
// h0, and the faults do what they say: SIGSTOP silences a node, SIGCONT brings it back, kill -9 ends it,
// a restart comes back with the same node id and data, and destroy leaves no process or namespace.

import { expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { existsSync, readlinkSync } from 'node:fs';
import { CLUSTER_DHT_PORT, CLUSTER_HOOK_MS, NAMESPACES_AVAILABLE, TestCluster, type ClusterNode } from './support/cluster';
import { CONVERGE_MS_MAX, ringsAgree } from './support/cluster-scenarios';

const netnsOf = (pid: number) => readlinkSync(`/proc/${pid}/ns/net`);
const namespaceId = (namespace: string) => spawnSync('ip', ['netns', 'exec', namespace, 'readlink', '/proc/self/ns/net'], { encoding: 'utf8' }).stdout.trim();
const answers = (c: TestCluster, node: ClusterNode, timeoutMs: number) => c.request(node, 'GET', '/health', { timeoutMs }).then((reply) => reply.status === 200, () => false);

test.skipIf(!NAMESPACES_AVAILABLE)('processes run in their own namespaces, faults work, and destroy cleans up', async () => {
  const c = await TestCluster.start({ nodes: 2 });
  const pids: number[] = [];
  try {
    const [n1, n2] = c.nodes as [ClusterNode, ClusterNode];
    const hosts = c.network.hosts;
    expect(netnsOf(c.bootstrap.child.pid!)).toBe(namespaceId(hosts[0]!.namespace));
    expect(netnsOf(n1.process.child.pid!)).toBe(namespaceId(n1.host.namespace));
    expect(netnsOf(n2.process.child.pid!)).toBe(namespaceId(n2.host.namespace));
    expect(new Set([hosts[0]!, n1.host, n2.host].map((host) => namespaceId(host.namespace))).size).toBe(3);
    const udp = spawnSync('ip', ['netns', 'exec', hosts[0]!.namespace, 'ss', '-Huln'], { encoding: 'utf8' }).stdout;
    expect(udp).toContain(`${hosts[0]!.address}:${CLUSTER_DHT_PORT}`);

    for (const node of [n1, n2]) {
      const members = await c.members(node);
      expect(members.find((member) => member.self)).toMatchObject({ nodeId: node.nodeId, name: node.name, httpAddress: `${node.host.address}:7070` });
    }

    c.pause(n2);
    expect(await answers(c, n2, 500)).toBe(false);
    c.resume(n2);
    expect(await answers(c, n2, 3000)).toBe(true);

    // /health counts n1's own store only: the key is on n1's disk before the kill, and after the restart.
    const liveKeys = async (node: ClusterNode) => (await c.request(node, 'GET', '/health')).body.storage.liveKeys as number;
    // Data requests need the ring founded and both nodes its owners (until then: 503 joining).
    await c.waitFor(() => ringsAgree(c, c.nodes), CONVERGE_MS_MAX, 'both nodes owners of one ring');
    expect((await c.put(n1, 'harness:kept', 'on disk', 'one')).status).toBe(200);
    await c.waitFor(async () => (await liveKeys(n1)) === 1, 10_000, 'the write in n1’s own store');
    const nodeId = n1.nodeId;
    const before = n1.process;
    await c.kill9(n1);
    expect(before.child.signalCode).toBe('SIGKILL');
    expect(await answers(c, n1, 1000)).toBe(false);
    await c.restart(n1);
    expect(n1.nodeId).toBe(nodeId);
    expect(await liveKeys(n1)).toBe(1);

    const stranger = await c.addNode({ name: 'stranger', secret: 'another-secret-0123456789' });
    expect(await answers(c, stranger, 3000)).toBe(true);
    pids.push(c.bootstrap.child.pid!, n1.process.child.pid!, n2.process.child.pid!, stranger.process.child.pid!);
    c.pause(n2); // destroy must also end a stopped process
  } finally {
    await c.destroy();
  }
  // destroy waited for every exit, so every process has been reaped.
  expect(pids.filter((pid) => existsSync(`/proc/${pid}`))).toEqual([]);
  const left = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
  for (const host of c.network.hosts) expect(left).not.toContain(host.namespace);
  expect(existsSync(c.root)).toBe(false);
}, CLUSTER_HOOK_MS.start + CLUSTER_HOOK_MS.stop);
