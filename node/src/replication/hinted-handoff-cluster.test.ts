// Hinted handoff end to end on the in-memory network: four nodes with three replicas each, so a crashed
// replica's writes go to a stand-in. Real transports, Rpc, SWIM membership, ring placement, remote
// replicas, hint ledgers and the delivery service; the multi-process suite proves it over Hyperswarm.

import { afterEach, describe, expect, test } from 'bun:test';
import { registerMembershipMessages } from '../membership';
import { MemoryNetwork } from '../transport';
import { startMemoryNode, waitFor as waitUntil, type MemoryClusterNode as TestNode } from './memory-cluster.test-harness';

const WAIT_MS_MAX = 10_000;
const KEYS = 60;

const waitFor = (what: string, predicate: () => boolean) => waitUntil(what, predicate, WAIT_MS_MAX);

let nodes: TestNode[] = [];

afterEach(async () => {
  await Promise.all(nodes.map((node) => node.close()));
  nodes = [];
});

describe('hinted handoff over the in-memory network', () => {
  test('a crashed replica’s writes wait as hints on stand-ins, not in their stores, and arrive when it returns', async () => {
    registerMembershipMessages();
    const network = new MemoryNetwork({ seed: 7 });
    nodes = await Promise.all(Array.from({ length: 4 }, (_, index) => startMemoryNode(network, index)));
    const alive = (observer: TestNode, nodeId: string) => observer.membership.members().some((member) => member.nodeId === nodeId && member.state === 'alive');
    await waitFor('every node to see every node alive', () => nodes.every((observer) => nodes.every((node) => alive(observer, node.nodeId))));
    await waitFor('every node to route by a ring of every owner', () => nodes.every((node) => node.placement.current().ring.size === nodes.length));
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
