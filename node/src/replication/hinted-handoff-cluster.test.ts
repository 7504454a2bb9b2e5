// Hinted handoff end to end on the in-memory network: four nodes with three replicas each, so a crashed
// replica's writes go to a stand-in. Real transports, Rpc, SWIM membership, ring placement, remote
// replicas, hint ledgers and the delivery service; the multi-process suite proves it over Hyperswarm.

import { afterEach, describe, expect, test } from 'bun:test';
import { systemClock } from '../clock';
import { silentLogger } from '../log';
import { MembershipService, membershipProfiles, registerMembershipMessages } from '../membership';
import { MemoryHintStore, MemoryStore } from '../storage';
import { ConnectionWatch, MemoryNetwork, MemoryTransport, Rpc } from '../transport';
import { HybridLogicalClock } from '../version';
import { ClusterDirectory } from './cluster-directory';
import { Coordinator } from './coordinator';
import { HintLedger } from './hint-ledger';
import { HintedHandoff } from './hinted-handoff';
import { LocalReplica } from './local-replica';
import { serveReplicaRequests } from './replica-server';
import { RingPlacement } from './ring-placement';

const SECRET = 'hinted-handoff-cluster-secret';
const WAIT_MS_MAX = 10_000;
const DELIVERY_INTERVAL_MS = 50;
const KEYS = 60;

interface TestNode {
  readonly nodeId: string;
  readonly store: MemoryStore;
  readonly hints: HintLedger;
  readonly coordinator: Coordinator;
  readonly membership: MembershipService;
  readonly placement: RingPlacement;
  close(): Promise<void>;
}

async function startNode(network: MemoryNetwork, index: number): Promise<TestNode> {
  const nodeId = (index + 1).toString(16).padStart(16, 'a');
  const store = new MemoryStore();
  const hints = new HintLedger(new MemoryHintStore({ hintsMax: 1000, hintBytesMax: 1024 * 1024 }), silentLogger);
  const transport = new MemoryTransport(network, { nodeId, name: `n${index}`, httpAddress: `n${index}:7070`, clusterName: 'test', secret: SECRET });
  const rpc = new Rpc(transport);
  const membership = new MembershipService({ self: { nodeId, name: `n${index}`, httpAddress: `n${index}:7070` }, config: membershipProfiles.local, transport, clock: systemClock, seed: index });
  const placement = new RingPlacement({ selfId: nodeId, membership, replicationFactor: 3, tokensPerNode: 16 });
  membership.onMemberEvent(() => placement.refresh());
  const local = new LocalReplica(nodeId, store, hints);
  const connections = new ConnectionWatch();
  const directory = new ClusterDirectory(local, rpc, connections, membership);
  serveReplicaRequests(rpc, local);
  const reachability = { isHealthy: (id: string) => membership.isHealthy(id), isConnected: (id: string) => connections.isConnected(id) };
  const handoff = new HintedHandoff({ ledger: hints, directory, reachability, logger: silentLogger, intervalMs: DELIVERY_INTERVAL_MS });
  await transport.start(
    rpc.wrap({
      onPeerUp: (peer) => (connections.up(peer.nodeId), membership.peerUp(peer.nodeId)),
      onPeerDown: (peer) => (connections.down(peer), membership.peerDown(peer)),
      onMessage: (from, message) => void membership.receive(from, message),
    }),
  );
  membership.start();
  handoff.start();
  const coordinator = new Coordinator({ hlc: new HybridLogicalClock(nodeId, systemClock), clock: systemClock, placement, directory, readConsistency: 'quorum', writeConsistency: 'quorum' });
  const close = async () => {
    await handoff.close();
    await membership.close();
    connections.close();
    rpc.close();
    await transport.close();
    await store.close();
  };
  return { nodeId, store, hints, coordinator, membership, placement, close };
}

async function waitFor(what: string, predicate: () => boolean, timeoutMs = WAIT_MS_MAX): Promise<number> {
  const started = performance.now();
  while (!predicate()) {
    if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return performance.now() - started;
}

let nodes: TestNode[] = [];

afterEach(async () => {
  await Promise.all(nodes.map((node) => node.close()));
  nodes = [];
});

describe('hinted handoff over the in-memory network', () => {
  test('a crashed replica’s writes wait as hints on stand-ins, not in their stores, and arrive when it returns', async () => {
    registerMembershipMessages();
    const network = new MemoryNetwork({ seed: 7 });
    nodes = await Promise.all(Array.from({ length: 4 }, (_, index) => startNode(network, index)));
    const alive = (observer: TestNode, nodeId: string) => observer.membership.members().some((member) => member.nodeId === nodeId && member.state === 'alive');
    await waitFor('every node to see every node alive', () => nodes.every((observer) => nodes.every((node) => alive(observer, node.nodeId))));
    const [a, , , victim] = nodes as [TestNode, TestNode, TestNode, TestNode];
    network.crash(victim.nodeId);
    await waitFor('the crash to be noticed', () => !a.membership.isHealthy(victim.nodeId));

    const keys = Array.from({ length: KEYS }, (_, index) => `hinted:${index}`);
    for (const key of keys) await a.coordinator.put(key, JSON.stringify(key));
    const owed = keys.filter((key) => a.placement.intendedReplicas(key).includes(victim.nodeId));
    expect(owed.length).toBeGreaterThan(0);
    await waitFor('every stand-in to hold its hints', () => owed.every((key) => nodes.some((node) => node.hints.forKey(key).length > 0)));
    for (const key of owed) {
      const standIn = a.placement.targetsFor(key).find((target) => target.standInFor === victim.nodeId)!;
      const holder = nodes.find((node) => node.nodeId === standIn.nodeId)!;
      expect(holder.hints.forKey(key).map((hint) => hint.target)).toEqual([victim.nodeId]);
      expect(holder.store.get(key)).toBeUndefined();
      // A quorum read right after the write sees it, whichever two targets answer.
      expect((await a.coordinator.get(key)).result.valueJson).toBe(JSON.stringify(key));
    }
    const backlog = () => nodes.reduce((sum, node) => sum + node.hints.health().pending, 0);
    expect(backlog()).toBe(owed.length);
    expect(victim.store.stats().liveKeys).toBe(0);

    network.restart(victim.nodeId);
    const deliveredMs = await waitFor('every owed key on the returned replica', () => owed.every((key) => victim.store.get(key) !== undefined));
    await waitFor('every backlog back to 0', () => backlog() === 0);
    console.log(`[hinted-handoff memory] ${owed.length} of ${KEYS} keys owed to the crashed replica; delivered ${Math.round(deliveredMs)} ms after its restart`);
    expect(nodes.reduce((sum, node) => sum + node.hints.health().delivered, 0)).toBe(owed.length);
    for (const key of owed) expect(victim.store.get(key)?.valueJson).toBe(JSON.stringify(key));
    // Stand-ins never held the keys in their main stores: each node's store holds only keys it replicates.
    for (const node of nodes) for (const key of keys) if (node.store.get(key) !== undefined) expect(a.placement.intendedReplicas(key)).toContain(node.nodeId);
  }, 30_000);
});
