// The replication path end to end on the in-memory network (nodes from memory-cluster.test-harness.ts):
// three or four nodes in one process. The Hyperswarm transport is proven by the multi-process suites;
// this proves the logic.

import { afterEach, describe, expect, test } from 'bun:test';
import { SwarmError } from '../errors';
import { registerMembershipMessages } from '../membership';
import { MemoryNetwork } from '../transport';
import { startMemoryNode as startNode, waitFor as waitUntil, type MemoryClusterNode as TestNode } from './memory-cluster.test-harness';

const CONVERGE_MS_MAX = 5000;

const waitFor = (what: string, predicate: () => boolean, timeoutMs = CONVERGE_MS_MAX) => waitUntil(what, predicate, timeoutMs);

function aliveSeenBy(node: TestNode): number {
  return node.membership.members().filter((member) => member.state === 'alive').length;
}

let nodes: TestNode[] = [];
let network: MemoryNetwork;

async function startCluster(size: number): Promise<TestNode[]> {
  registerMembershipMessages();
  network = new MemoryNetwork({ seed: 11 });
  nodes = await Promise.all(Array.from({ length: size }, (_, index) => startNode(network, index)));
  await waitFor('every node to see every node alive', () => nodes.every((node) => aliveSeenBy(node) === size));
  return nodes;
}

afterEach(async () => {
  await Promise.all(nodes.map((node) => node.close()));
  nodes = [];
});

describe('three replicas over the in-memory network', () => {
  test('a write through one node is read through every other, and lands on exactly the key’s replicas', async () => {
    const [a, b, c] = await startCluster(4);
    const written = await a!.coordinator.put('user:1', '{"name":"Ada"}');
    expect(written.replicas.length).toBeGreaterThanOrEqual(2);
    for (const node of [b!, c!]) expect((await node.coordinator.get('user:1')).result.valueJson).toBe('{"name":"Ada"}');
    const intended = a!.placement.intendedReplicas('user:1');
    expect(intended).toHaveLength(3);
    await waitFor('all three replicas to hold the key', () => nodes.filter((node) => node.store.get('user:1') !== undefined).length === 3);
    expect(nodes.filter((node) => node.store.get('user:1') !== undefined).map((node) => node.nodeId).sort()).toEqual([...intended].sort());
  });

  test('every node computes the same ring', async () => {
    await startCluster(3);
    const digests = new Set(nodes.map((node) => node.placement.ring().digest));
    expect(digests.size).toBe(1);
  });

  test('with one replica crashed, quorum writes and reads go on; `all` answers insufficient_replicas', async () => {
    const [a, b, c] = await startCluster(3);
    network.crash(c!.nodeId);
    await waitFor('the crash to be noticed', () => a!.membership.members().some((member) => member.nodeId === c!.nodeId && member.state !== 'alive'));
    await a!.coordinator.put('k', '1');
    expect((await b!.coordinator.get('k')).result.valueJson).toBe('1');
    const error = await a!.coordinator.put('k', '2', 'all').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SwarmError);
    expect((error as SwarmError).code).toBe('insufficient_replicas');
  });

  test('a node cut off from both others answers quorum writes 503 within the quorum deadline, never success', async () => {
    const [a, b, c] = await startCluster(3);
    network.partition([a!.nodeId], [b!.nodeId, c!.nodeId]);
    const startedMs = performance.now();
    const error = await a!.coordinator.put('minority', '1').catch((caught: unknown) => caught);
    expect((error as SwarmError).code).toBe('insufficient_replicas');
    expect(performance.now() - startedMs).toBeLessThan(2000);
    // The majority side still takes the write.
    await b!.coordinator.put('majority', '1');
    expect((await c!.coordinator.get('majority')).result.valueJson).toBe('1');
  });

  test('a replica that membership says is alive but is not connected yet gets its copy once the connection comes up', async () => {
    const [a, b] = await startCluster(3);
    // a and b lose their direct connection; through the third node they still see each other alive.
    network.partition([a!.nodeId], [b!.nodeId]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(a!.membership.isHealthy(b!.nodeId)).toBe(true);
    const written = a!.coordinator.put('late-link', '1');
    setTimeout(() => network.heal(), 200);
    await written;
    await waitFor('the copy on the late-connected replica', () => b!.store.get('late-link') !== undefined, 2000);
  });

  test('listing merges every node’s keys once, in order', async () => {
    const [a, b] = await startCluster(4);
    for (let index = 0; index < 30; index++) await a!.coordinator.put(`key:${String(index).padStart(2, '0')}`, String(index));
    await b!.coordinator.delete('key:07');
    const page = await b!.coordinator.list({ prefix: 'key:', limit: 100, cursor: undefined });
    expect(page.items.map((item) => item.key)).toEqual(Array.from({ length: 30 }, (_, index) => `key:${String(index).padStart(2, '0')}`).filter((key) => key !== 'key:07'));
    expect(page.next).toBeNull();
  });
});

describe('wire protocol versions', () => {
  test('a node that speaks only version 1 (JSON) and nodes that speak 2 (compact envelopes) read and write each other’s replicas', async () => {
    registerMembershipMessages();
    network = new MemoryNetwork({ seed: 12 });
    nodes = await Promise.all([0, 1, 2].map((index) => startNode(network, index, index === 0 ? { protocolVersions: { min: 1, max: 1 } } : {})));
    await waitFor('every node to see every node alive', () => nodes.every((node) => aliveSeenBy(node) === 3));
    const [old, fresh, other] = nodes as [TestNode, TestNode, TestNode];
    await old.coordinator.put('mixed:1', '{"from":"v1"}', 'all');
    await fresh.coordinator.put('mixed:2', '{"from":"v2"}', 'all');
    await other.coordinator.delete('mixed:2', 'all');
    for (const node of nodes) {
      expect((await node.coordinator.get('mixed:1', 'all')).result.valueJson).toBe('{"from":"v1"}');
      expect(node.store.get('mixed:2')?.valueJson).toBeNull();
    }
  });
});
