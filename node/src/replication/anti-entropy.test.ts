// Anti-entropy end to end on the in-memory network: real transports (hello, framing, codecs) and the
// Rpc between nodes in one process, a fixed ring (no membership: nothing else on the wire, so the
// transport's byte counters measure anti-entropy alone), the replica and anti-entropy servers, and
// the service. It measures what the issue asks: with 100k keys on two replicas and one key different,
// a full comparison exchanges under 64 KiB; with none different, only digests cross the wire.

import { afterEach, describe, expect, test } from 'bun:test';
import { systemClock } from '../clock';
import { silentLogger } from '../log';
import { HashRing } from '../ring';
import { MemoryStore, type StoredRecord } from '../storage';
import { ConnectionWatch, MemoryNetwork, MemoryTransport, Rpc, type PeerMessage } from '../transport';
import { formatVersion } from '../version';
import { AntiEntropyService } from './anti-entropy-service';
import { serveAntiEntropyRequests } from './anti-entropy-server';
import { ClusterDirectory } from './cluster-directory';
import { Coordinator } from './coordinator';
import { DigestIndex } from './digest-index';
import { DigestTrackingStore } from './digest-tracking-store';
import { LocalReplica } from './local-replica';
import { stableWriteTargets } from './placement';
import { serveReplicaRequests } from './replica-server';
import { HybridLogicalClock } from '../version';

const SECRET = 'anti-entropy-test-secret';
const KEYS_MEASURED = 100_000;
const FULL_COMPARISON_BYTES_MAX = 64 * 1024;
const TOKENS_PER_NODE = 64;
const CONNECT_MS_MAX = 5000;

interface TestNode {
  readonly nodeId: string;
  readonly store: DigestTrackingStore;
  readonly local: LocalReplica;
  readonly transport: MemoryTransport;
  readonly rpc: Rpc;
  readonly connections: ConnectionWatch;
  readonly service: AntiEntropyService;
  /** Body types of every request this node's anti-entropy sent. */
  readonly sentTypes: string[];
  readonly down: Set<string>;
  close(): Promise<void>;
}

const nodeIdOf = (index: number) => (index + 1).toString(16).padStart(16, 'a');
const version = (wallMs: number, nodeId = nodeIdOf(0)) => formatVersion({ wallMs, logical: 0, nodeId });

async function startNode(network: MemoryNetwork, nodeId: string, ring: HashRing, replicas: number): Promise<TestNode> {
  const store = new DigestTrackingStore(new MemoryStore(), new DigestIndex());
  const transport = new MemoryTransport(network, { nodeId, name: nodeId, httpAddress: `${nodeId}:7070`, clusterName: 'test', secret: SECRET });
  const rpc = new Rpc(transport);
  const local = new LocalReplica(nodeId, store);
  const connections = new ConnectionWatch();
  const sentTypes: string[] = [];
  const down = new Set<string>();
  const requester = { request: (to: string, body: PeerMessage, options?: { timeoutMs?: number }) => (sentTypes.push(body.type), rpc.request(to, body, options)) };
  serveReplicaRequests(rpc, local);
  serveAntiEntropyRequests(rpc, store.index);
  const service = new AntiEntropyService({
    selfId: nodeId,
    comparison: { index: store.index, local, requester, connections },
    liveness: { isHealthy: (id) => !down.has(id) },
    ranges: () => ring.ranges(replicas),
    clock: systemClock,
    logger: silentLogger,
    intervalMs: 0,
  });
  await transport.start(rpc.wrap({ onPeerUp: (peer) => connections.up(peer.nodeId), onPeerDown: (peer) => connections.down(peer), onMessage: () => {} }));
  const close = async () => {
    await service.close();
    connections.close();
    rpc.close();
    await transport.close();
    await store.close();
  };
  return { nodeId, store, local, transport, rpc, connections, service, sentTypes, down, close };
}

async function waitFor(what: string, predicate: () => boolean, timeoutMs = CONNECT_MS_MAX): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

let nodes: TestNode[] = [];
let network: MemoryNetwork;

async function startCluster(size: number, replicas: number): Promise<TestNode[]> {
  network = new MemoryNetwork({ seed: 7 });
  const ring = new HashRing(Array.from({ length: size }, (_, index) => ({ nodeId: nodeIdOf(index) })), TOKENS_PER_NODE);
  nodes = await Promise.all(Array.from({ length: size }, (_, index) => startNode(network, nodeIdOf(index), ring, replicas)));
  await waitFor('every node connected to every other', () => nodes.every((node) => nodes.every((peer) => peer === node || node.connections.isConnected(peer.nodeId))));
  return nodes;
}

afterEach(async () => {
  await Promise.all(nodes.map((node) => node.close()));
  nodes = [];
});

/** Bytes on the wire in both directions at this node since `before`. */
function wireBytes(node: TestNode, before: { bytesSent: number; bytesReceived: number }): { sent: number; received: number; total: number } {
  const after = node.transport.stats();
  const sent = after.bytesSent - before.bytesSent;
  const received = after.bytesReceived - before.bytesReceived;
  return { sent, received, total: sent + received };
}

async function fullPass(node: TestNode) {
  expect(node.service.startPass()).toBe(true);
  expect(node.service.startPass()).toBe(false);
  await node.service.whenIdle();
  return node.service.status();
}

function allRecords(node: TestNode): Map<string, StoredRecord> {
  const records = new Map<string, StoredRecord>();
  let afterKey: string | undefined;
  do {
    const page = node.store.scan({ limit: 1000, includeTombstones: true, ...(afterKey === undefined ? {} : { afterKey }) });
    for (const record of page.records) records.set(record.key, record);
    afterKey = page.resumeAfterKey;
  } while (afterKey !== undefined);
  return records;
}

describe('anti-entropy bytes, two replicas of 100k keys', () => {
  test('one key different: a full comparison exchanges under 64 KiB and repairs it; no difference: only digests', async () => {
    const [a, b] = await startCluster(2, 2);
    for (let index = 0; index < KEYS_MEASURED; index++) {
      const record = { key: `key:${index}`, valueJson: String(index), version: version(1_000_000 + index), updatedAtMs: 1 };
      await a!.store.write(record.key, () => record);
      await b!.store.write(record.key, () => record);
    }
    const newer = { key: 'key:50000', valueJson: '"changed"', version: version(9_000_000, b!.nodeId), updatedAtMs: 2 };
    await b!.store.write(newer.key, () => newer);

    let before = a!.transport.stats();
    const repaired = await fullPass(a!);
    const oneDifferent = wireBytes(a!, before);
    console.log(`[anti-entropy] 100k keys, 1 different: full comparison of ${repaired.rangesTotal} ranges exchanged ${oneDifferent.total} bytes on the wire (${oneDifferent.sent} sent, ${oneDifferent.received} received; service counted ${repaired.bytesSent}+${repaired.bytesReceived}), ${repaired.keysRepaired} key repaired, ${a!.sentTypes.length} requests`);
    expect(oneDifferent.total).toBeLessThan(FULL_COMPARISON_BYTES_MAX);
    expect(repaired.keysRepaired).toBe(1);
    expect(a!.store.get('key:50000')).toEqual(newer);
    expect(Math.abs(repaired.bytesSent + repaired.bytesReceived - oneDifferent.total)).toBeLessThan(oneDifferent.total / 10);

    a!.sentTypes.length = 0;
    before = a!.transport.stats();
    const servedBefore = b!.rpc.stats.served;
    const quiet = await fullPass(a!);
    const noDifference = wireBytes(a!, before);
    console.log(`[anti-entropy] 100k keys, none different: ${a!.sentTypes.length} digest requests, ${noDifference.total} bytes on the wire (${noDifference.sent} sent, ${noDifference.received} received), ${quiet.keysRepaired} keys repaired`);
    expect(new Set(a!.sentTypes)).toEqual(new Set(['antiEntropyDigestRequest']));
    expect(a!.sentTypes).toHaveLength(quiet.rangesTotal);
    expect(b!.rpc.stats.served - servedBefore).toBe(quiet.rangesTotal);
    expect(quiet.keysRepaired).toBe(0);
    expect(quiet.lastCompleted).toMatchObject({ keysRepaired: 0, bytesExchanged: quiet.bytesSent + quiet.bytesReceived });
  }, 120_000);
});

describe('anti-entropy convergence, three replicas', () => {
  test('a replica that missed writes while crashed holds every record at the others’ versions after one pass', async () => {
    const [a, b, c] = await startCluster(3, 3);
    const ring = new HashRing(nodes.map((node) => ({ nodeId: node.nodeId })), TOKENS_PER_NODE);
    const liveness = { isHealthy: (id: string) => !network.isCrashed(id), isDown: (id: string) => network.isCrashed(id) };
    const coordinator = new Coordinator({
      hlc: new HybridLogicalClock(a!.nodeId, systemClock),
      clock: systemClock,
      placement: {
        targetsFor: (key) => ring.preferenceList(key, 3).map((nodeId) => ({ nodeId })),
        writeTargetsFor: (key) => stableWriteTargets(ring.preferenceList(key, 3).map((nodeId) => ({ nodeId }))),
        listing: () => ({ nodes: nodes.map((node) => node.nodeId), rangeReplicas: [nodes.map((node) => node.nodeId)] }),
      },
      directory: new ClusterDirectory(a!.local, a!.rpc, a!.connections, liveness),
      readConsistency: 'quorum',
      writeConsistency: 'quorum',
    });
    for (let index = 0; index < 200; index++) await coordinator.put(`early:${index}`, String(index), 'all');
    network.crash(c!.nodeId);
    await waitFor('the crash to close the connections', () => !a!.connections.isConnected(c!.nodeId));
    for (let index = 0; index < 500; index++) await coordinator.put(`late:${index}`, String(index));
    for (let index = 0; index < 50; index++) await coordinator.delete(`early:${index}`);
    for (let index = 50; index < 100; index++) await coordinator.put(`early:${index}`, '"overwritten"');
    expect(allRecords(c!)).not.toEqual(allRecords(a!));

    network.restart(c!.nodeId);
    await waitFor('the restarted replica to reconnect', () => c!.connections.isConnected(a!.nodeId) && c!.connections.isConnected(b!.nodeId));
    const startedMs = performance.now();
    const status = await fullPass(c!);
    const elapsedMs = Math.round(performance.now() - startedMs);
    console.log(`[anti-entropy] restarted replica: one pass over ${status.rangesTotal} ranges repaired ${status.keysRepaired} keys in ${elapsedMs} ms, ${status.bytesSent + status.bytesReceived} bytes`);
    const reference = allRecords(a!);
    expect(reference.size).toBe(700);
    for (const node of [b!, c!]) expect(allRecords(node)).toEqual(reference);
    expect(status.keysRepaired).toBe(600);
  }, 60_000);
});
