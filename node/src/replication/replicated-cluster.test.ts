// The replication path end to end on the in-memory network: real transports (hello, framing, codecs),
// the Rpc, SWIM membership, ring placement, remote replicas and the coordinator, three nodes in one
// process. The Hyperswarm transport is proven by the multi-process suites; this proves the logic.

import { afterEach, describe, expect, test } from 'bun:test';
import { systemClock } from '../clock';
import { SwarmError } from '../errors';
import { MembershipService, membershipProfiles, registerMembershipMessages } from '../membership';
import { MemoryStore } from '../storage';
import { MemoryNetwork, MemoryTransport, Rpc } from '../transport';
import { HybridLogicalClock } from '../version';
import { ClusterDirectory } from './cluster-directory';
import { Coordinator } from './coordinator';
import { LocalReplica } from './local-replica';
import { serveReplicaRequests } from './replica-server';
import { RingPlacement } from './ring-placement';

const SECRET = 'replicated-cluster-secret';
const CONVERGE_MS_MAX = 5000;

interface TestNode {
  readonly nodeId: string;
  readonly store: MemoryStore;
  readonly coordinator: Coordinator;
  readonly membership: MembershipService;
  readonly placement: RingPlacement;
  close(): Promise<void>;
}

async function startNode(network: MemoryNetwork, index: number): Promise<TestNode> {
  const nodeId = (index + 1).toString(16).padStart(16, 'a');
  const store = new MemoryStore();
  const transport = new MemoryTransport(network, { nodeId, name: `n${index}`, httpAddress: `n${index}:7070`, clusterName: 'test', secret: SECRET });
  const rpc = new Rpc(transport);
  const membership = new MembershipService({ self: { nodeId, name: `n${index}`, httpAddress: `n${index}:7070` }, config: membershipProfiles.local, transport, clock: systemClock, seed: index });
  const placement = new RingPlacement({ selfId: nodeId, membership, replicationFactor: 3, tokensPerNode: 16 });
  membership.onMemberEvent(() => placement.refresh());
  const local = new LocalReplica(nodeId, store);
  const connected = new Set<string>();
  const directory = new ClusterDirectory(local, rpc, { isConnected: (peer) => connected.has(peer) });
  serveReplicaRequests(rpc, local);
  await transport.start(
    rpc.wrap({
      onPeerUp: (peer) => (connected.add(peer.nodeId), membership.peerUp(peer.nodeId)),
      onPeerDown: (peer) => (connected.delete(peer), membership.peerDown(peer)),
      onMessage: (from, message) => void membership.receive(from, message),
    }),
  );
  membership.start();
  const hlc = new HybridLogicalClock(nodeId, systemClock);
  const coordinator = new Coordinator({ hlc, clock: systemClock, placement, directory, readConsistency: 'quorum', writeConsistency: 'quorum' });
  const close = async () => {
    await membership.close();
    rpc.close();
    await transport.close();
    await store.close();
  };
  return { nodeId, store, coordinator, membership, placement, close };
}

async function waitFor(what: string, predicate: () => boolean, timeoutMs = CONVERGE_MS_MAX): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

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

  test('listing merges every node’s keys once, in order', async () => {
    const [a, b] = await startCluster(4);
    for (let index = 0; index < 30; index++) await a!.coordinator.put(`key:${String(index).padStart(2, '0')}`, String(index));
    await b!.coordinator.delete('key:07');
    const page = await b!.coordinator.list({ prefix: 'key:', limit: 100, cursor: undefined });
    expect(page.items.map((item) => item.key)).toEqual(Array.from({ length: 30 }, (_, index) => `key:${String(index).padStart(2, '0')}`).filter((key) => key !== 'key:07'));
    expect(page.next).toBeNull();
  });
});
