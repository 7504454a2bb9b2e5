// Scenario steps the 3- and 5-node cluster suites share, each asserting what it proves and printing
// what it measured (one console.log line per figure, prefixed with the suite's tag):
//   converge           every node sees every node alive, and all ring digests are equal;
//   writeOneReadAll    a write through one node reads back through every other;
//   placement          each of 200 keys is stored on exactly the nodes /cluster/locate names;
//   listEverywhere     GET /kv through every node pages over the placement keys once each, in order;
//   killAndDetect      kill -9 a node under quorum traffic: time until every other node says dead;
//   restartAndRejoin   the killed node comes back on its data directory, alive, higher incarnation.

import { expect } from 'bun:test';
import type { ClusterNode, Consistency, TestCluster } from './cluster';
import { mapConcurrent as mapConcurrentIn } from './node-lifecycle';
import { parseMetrics, sampleKey } from './kv-client';

/** Forming a cluster from cold processes: DHT lookups and announces on a loaded CI machine. */
export const CONVERGE_MS_MAX = 90_000;
/** The failure-detection bar of the `lan` profile: a killed node is dead on every other node within this. */
export const DETECTION_MS_MAX = 5000;
/** How long detection is watched for, so that a slow detection is measured and printed, not just failed. */
const DETECTION_WATCH_MS_MAX = 30_000;
/** After a restart, the node must be back and alive everywhere within this. */
export const REJOIN_MS_MAX = 60_000;
/** A quorum write that has been acknowledged reaches its last replica shortly after. */
const PLACEMENT_SETTLE_MS_MAX = 15_000;
const PLACEMENT_KEYS = 200;
const REQUESTS_IN_FLIGHT_MAX = 16;
/** Traffic requests wait past the coordinator's quorum deadline (1.5 s) before calling it a failure. */
const TRAFFIC_TIMEOUT_MS = 4000;
const TRAFFIC_PAUSE_MS = 20;
/** Traffic keeps going this long after the detection, through the ring change. */
const TRAFFIC_AFTER_DETECTION_MS = 1500;

/** node-lifecycle's mapConcurrent with the cluster suites' argument order and default concurrency. */
export function mapConcurrent<T, R>(items: readonly T[], work: (item: T, index: number) => Promise<R>, concurrency = REQUESTS_IN_FLIGHT_MAX): Promise<R[]> {
  return mapConcurrentIn(items, concurrency, work);
}

/** Every node routes by the same ring of every node (as owners: a node counts once it has joined). */
export async function ringsAgree(cluster: TestCluster, nodes: readonly ClusterNode[]): Promise<boolean> {
  const rings = await Promise.all(nodes.map((node) => cluster.ring(node)));
  // No joint ring left either: until the previous rings' grace ends, writes also go to their replicas,
  // and a key written then has a copy beyond its located replicas until clean-up removes it.
  return rings.every((ring) => ring.digest === rings[0]!.digest && ring.members.length === nodes.length && ring.jointRings.length === 0);
}

/** (b) Every node lists all nodes alive and all rings are the same; resolves with the time it took. */
export async function converge(cluster: TestCluster, tag: string): Promise<number> {
  const ms = await cluster.waitFor(async () => (await cluster.allSeeAllAlive()) && (await ringsAgree(cluster, cluster.nodes)), CONVERGE_MS_MAX, `all ${cluster.nodes.length} nodes alive on every node, with equal ring digests`);
  const digests = await Promise.all(cluster.nodes.map((node) => cluster.ring(node).then((ring) => ring.digest)));
  expect(new Set(digests).size).toBe(1);
  for (const node of cluster.nodes) {
    const members = await cluster.members(node);
    expect(members.map((member) => member.nodeId).sort()).toEqual(cluster.nodes.map((other) => other.nodeId).sort());
    expect(members.every((member) => member.state === 'alive')).toBe(true);
    expect(members.filter((member) => member.self).map((member) => member.nodeId)).toEqual([node.nodeId]);
  }
  console.log(`[${tag}] membership converged: ${cluster.nodes.length} nodes alive on every node, ring ${digests[0]}, ${Math.round(ms)} ms after all listened`);
  return ms;
}

/** (a) A write through the first node reads back through every other. */
export async function writeOneReadAll(cluster: TestCluster, tag: string): Promise<void> {
  const [writer, ...readers] = cluster.nodes;
  const value = { written: 'through', by: writer!.name, at: Date.now() };
  const put = await cluster.put(writer!, `${tag}:hello`, value);
  expect(put.status).toBe(200);
  expect(put.headers.get('x-swarmkv-coordinator')).toBe(writer!.nodeId);
  for (const reader of readers) {
    const got = await cluster.get(reader, `${tag}:hello`);
    expect({ reader: reader.name, status: got.status, value: got.body?.value, version: got.body?.version }).toEqual({ reader: reader.name, status: 200, value, version: put.body.version });
  }
  console.log(`[${tag}] write through ${writer!.name}, read through ${readers.map((reader) => reader.name).join(', ')}: same value and version`);
}

/** (c) For 200 keys, the nodes holding a key (/cluster/local 200) are exactly its replicas per /cluster/locate. */
export async function placement(cluster: TestCluster, tag: string, replicationFactor: number): Promise<void> {
  const keys = Array.from({ length: PLACEMENT_KEYS }, (_, index) => `${tag}:placement:${index}`);
  const writes = await mapConcurrent(keys, (key, index) => cluster.put(cluster.nodes[index % cluster.nodes.length]!, key, index, 'quorum'));
  expect(writes.filter((reply) => reply.status !== 200).map((reply) => reply.text)).toEqual([]);
  const byNodeId = new Map(cluster.nodes.map((node) => [node.nodeId, node.name]));
  const located = await mapConcurrent(keys, async (key) => (await cluster.locate(cluster.nodes[0]!, key)).replicas.map((replica) => byNodeId.get(replica.nodeId) ?? replica.nodeId).sort());
  expect(located.every((replicas) => replicas.length === Math.min(replicationFactor, cluster.nodes.length))).toBe(true);
  let mismatches: string[] = [];
  const holdersOf = async (key: string) => {
    const replies = await Promise.all(cluster.nodes.map((node) => cluster.local(node, key)));
    return cluster.nodes.filter((_, index) => replies[index]!.status === 200).map((node) => node.name).sort();
  };
  const settledMs = await cluster
    .waitFor(async () => {
      const holders = await mapConcurrent(keys, holdersOf);
      mismatches = keys.flatMap((key, index) => (holders[index]!.join() === located[index]!.join() ? [] : [`${key}: held by [${holders[index]}], located on [${located[index]}]`]));
      return mismatches.length === 0;
    }, PLACEMENT_SETTLE_MS_MAX, `every key held by exactly its located replicas`)
    .catch(() => Number.NaN);
  const copies = new Map<string, number>();
  for (const replicas of located) for (const name of replicas) copies.set(name, (copies.get(name) ?? 0) + 1);
  const perNode = [...copies].sort().map(([name, count]) => `${name}=${count}`).join(' ');
  if (mismatches.length === 0) console.log(`[${tag}] placement: ${PLACEMENT_KEYS} keys, each on exactly its ${replicationFactor} located replicas (settled ${Math.round(settledMs)} ms after the last ack); copies per node ${perNode}`);
  else console.log(`[${tag}] placement: ${mismatches.length} of ${PLACEMENT_KEYS} keys not on exactly their located replicas ${PLACEMENT_SETTLE_MS_MAX} ms after the last ack (first: ${mismatches[0]})`);
  expect(mismatches.slice(0, 10)).toEqual([]);
}

/** A small page, so the merged listing crosses many page boundaries and every node's scan cutoff. */
const LISTING_PAGE_KEYS = 37;

/** Every key of `placement` listed through each node, exactly once, in key order, across pages. */
export async function listEverywhere(cluster: TestCluster, tag: string): Promise<void> {
  const prefix = `${tag}:placement:`;
  const expected = Array.from({ length: PLACEMENT_KEYS }, (_, index) => `${prefix}${index}`).sort();
  for (const node of cluster.nodes) {
    const listed: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page <= PLACEMENT_KEYS; page++) {
      const query: string = `/kv?prefix=${encodeURIComponent(prefix)}&limit=${LISTING_PAGE_KEYS}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
      const reply = await cluster.request(node, 'GET', query);
      expect(reply.status).toBe(200);
      listed.push(...reply.body.items.map((item: { key: string }) => item.key));
      cursor = reply.body.next;
      if (cursor === null) break;
    }
    expect({ node: node.name, listed }).toEqual({ node: node.name, listed: expected });
  }
  console.log(`[${tag}] listing: ${PLACEMENT_KEYS} keys through each of ${cluster.nodes.length} nodes in pages of ${LISTING_PAGE_KEYS}, each exactly once, in order`);
}

interface TrafficReport {
  readonly writes: number;
  readonly reads: number;
  readonly failures: string[];
  readonly writeMsMax: number;
  readonly acknowledged: Map<string, number>;
}

/** Quorum writes and reads through the given coordinators, round robin, until stopped. */
function startQuorumTraffic(cluster: TestCluster, coordinators: readonly ClusterNode[], prefix: string): { stop(): Promise<TrafficReport> } {
  const acknowledged = new Map<string, number>();
  const failures: string[] = [];
  let running = true;
  let writes = 0;
  let reads = 0;
  let writeMsMax = 0;
  const consistency: Consistency = 'quorum';
  const loop = (async () => {
    for (let sequence = 0; running; sequence++) {
      const writer = coordinators[sequence % coordinators.length]!;
      const key = `${prefix}:${sequence}`;
      try {
        const put = await cluster.put(writer, key, sequence, consistency, TRAFFIC_TIMEOUT_MS);
        writes++;
        writeMsMax = Math.max(writeMsMax, put.elapsedMs);
        if (put.status === 200) acknowledged.set(key, sequence);
        else failures.push(`PUT ${key} via ${writer.name}: ${put.status} ${put.text}`);
        const keys = [...acknowledged.keys()];
        const earlier = keys[Math.floor(Math.random() * keys.length)];
        if (earlier !== undefined) {
          const reader = coordinators[(sequence + 1) % coordinators.length]!;
          const got = await cluster.get(reader, earlier, consistency, TRAFFIC_TIMEOUT_MS);
          reads++;
          if (got.status !== 200 || got.body.value !== acknowledged.get(earlier)) failures.push(`GET ${earlier} via ${reader.name}: ${got.status} ${got.text}`);
        }
      } catch (error) {
        failures.push(`${key} via ${writer.name}: ${(error as Error).message}`);
      }
      await Bun.sleep(TRAFFIC_PAUSE_MS);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { writes, reads, failures, writeMsMax, acknowledged };
    },
  };
}

/** ms from `startedAt` until `observer` lists `victim` as dead; NaN if it never did within the watch. */
async function timeUntilDead(cluster: TestCluster, observer: ClusterNode, victim: ClusterNode, startedAt: number): Promise<number> {
  while (performance.now() - startedAt < DETECTION_WATCH_MS_MAX) {
    try {
      const members = await cluster.members(observer);
      if (members.some((member) => member.nodeId === victim.nodeId && member.state === 'dead')) return performance.now() - startedAt;
    } catch {
      // An observer too busy to answer within the request timeout: try again.
    }
    await Bun.sleep(25);
  }
  return Number.NaN;
}

/** The highest incarnation of `node` any other node knows. */
export async function incarnationSeen(cluster: TestCluster, node: ClusterNode): Promise<number> {
  const views = await Promise.all(cluster.nodes.filter((other) => other !== node && other.running).map((other) => cluster.members(other)));
  return Math.max(...views.flat().filter((member) => member.nodeId === node.nodeId).map((member) => member.incarnation));
}

/**
 * (d) kill -9 `victim` while quorum traffic runs through the others; every other node must list it
 * dead within DETECTION_MS_MAX, and every quorum write must be acknowledged and read back throughout.
 */
export async function killAndDetect(cluster: TestCluster, victim: ClusterNode, tag: string): Promise<{ incarnationBefore: number; acknowledged: Map<string, number> }> {
  const survivors = cluster.nodes.filter((node) => node !== victim);
  const incarnationBefore = await incarnationSeen(cluster, victim);
  const traffic = startQuorumTraffic(cluster, survivors, `${tag}:during-kill`);
  await Bun.sleep(500);
  const killedAt = performance.now();
  await cluster.kill9(victim);
  const perObserver = await Promise.all(survivors.map((observer) => timeUntilDead(cluster, observer, victim, killedAt)));
  const detectionMs = Math.max(...perObserver);
  await Bun.sleep(TRAFFIC_AFTER_DETECTION_MS);
  const report = await traffic.stop();
  const figures = survivors.map((observer, index) => `${observer.name} ${Math.round(perObserver[index]!)}`).join(', ');
  console.log(`[${tag}] kill -9 ${victim.name}: dead on every other node after ${Math.round(detectionMs)} ms (${figures}; bar ${DETECTION_MS_MAX} ms)`);
  console.log(`[${tag}] quorum traffic through the kill: ${report.writes} writes, ${report.reads} reads, ${report.failures.length} failures, slowest write ${Math.round(report.writeMsMax)} ms`);
  expect(perObserver.every((ms) => Number.isFinite(ms))).toBe(true);
  expect(detectionMs).toBeLessThan(DETECTION_MS_MAX);
  expect(report.failures.slice(0, 10)).toEqual([]);
  expect(report.writes).toBeGreaterThan(10);
  // Each survivor says why it holds the victim dead (its own suspicion ran out, or the other's verdict
  // reached it by gossip), and since when: no longer ago than the kill.
  for (const observer of survivors) {
    const seen = (await cluster.members(observer)).find((member) => member.nodeId === victim.nodeId)!;
    console.log(`[${tag}] ${observer.name} on ${victim.name}: ${seen.state} for ${seen.stateAgeMs} ms: ${seen.why}`);
    expect(seen.state).toBe('dead');
    expect(seen.why ?? '').toMatch(/(suspect for [\d.]+ (ms|s) with no refutation|\S+ declared it dead, and gossip carried that here)/);
    expect(seen.stateAgeMs).toBeLessThanOrEqual(performance.now() - killedAt);
    // And its metrics count the death, by the same cause.
    const metrics = parseMetrics((await cluster.request(observer, 'GET', '/metrics')).text);
    expect(metrics.get(sampleKey('swarmkv_membership_members', { state: 'dead' }))).toBe(1);
    // (A survivor briefly suspect on a loaded machine is still one of them.)
    const upMembers = (metrics.get(sampleKey('swarmkv_membership_members', { state: 'alive' })) ?? 0) + (metrics.get(sampleKey('swarmkv_membership_members', { state: 'suspect' })) ?? 0);
    expect(upMembers).toBe(survivors.length);
    const deathsBy = (by: string) => metrics.get(sampleKey('swarmkv_membership_changes_total', { by, state: 'dead' })) ?? 0;
    expect(deathsBy('timeout') + deathsBy('gossip')).toBeGreaterThanOrEqual(1);
    // The same record as JSON, in GET /cluster/health's failure-detector section.
    const changes = ((await cluster.request(observer, 'GET', '/cluster/health')).body as { membership: { changes: { state: string; by: string; count: number }[] } }).membership.changes;
    const deaths = changes.filter((change) => change.state === 'dead').reduce((sum, change) => sum + change.count, 0);
    expect(deaths).toBe(deathsBy('timeout') + deathsBy('gossip'));
  }
  // Afterwards, every acknowledged write reads back at quorum through every survivor.
  const keys = [...report.acknowledged.keys()];
  for (const reader of survivors) {
    const lost = (await mapConcurrent(keys, async (key) => ((await cluster.get(reader, key, 'quorum')).body?.value === report.acknowledged.get(key) ? null : key))).filter((key) => key !== null);
    expect({ reader: reader.name, lost }).toEqual({ reader: reader.name, lost: [] });
  }
  return { incarnationBefore, acknowledged: report.acknowledged };
}

/** (e) Restart the killed node on its data directory: alive on every node with a higher incarnation. */
export async function restartAndRejoin(cluster: TestCluster, victim: ClusterNode, incarnationBefore: number, acknowledged: Map<string, number>, tag: string): Promise<void> {
  const restartedAt = performance.now();
  await cluster.restart(victim);
  const listenedMs = performance.now() - restartedAt;
  const rejoined = async () => {
    if (!(await cluster.allSeeAllAlive())) return false;
    const views = await Promise.all(cluster.nodes.map((node) => cluster.members(node)));
    return views.every((members) => members.some((member) => member.nodeId === victim.nodeId && member.incarnation > incarnationBefore));
  };
  const rejoinMs = await cluster.waitFor(rejoined, REJOIN_MS_MAX, `${victim.name} alive on every node with an incarnation above ${incarnationBefore}`);
  const incarnationAfter = await incarnationSeen(cluster, victim);
  console.log(`[${tag}] ${victim.name} restarted on its data dir: listening after ${Math.round(listenedMs)} ms, alive on every node ${Math.round(listenedMs + rejoinMs)} ms after the restart, incarnation ${incarnationBefore} -> ${incarnationAfter}`);
  expect(incarnationAfter).toBeGreaterThan(incarnationBefore);
  await cluster.waitFor(() => ringsAgree(cluster, cluster.nodes), REJOIN_MS_MAX, 'equal ring digests after the rejoin');
  // What was written while it was down reads back through it.
  const sample = [...acknowledged.keys()].slice(0, 50);
  const wrong = (await mapConcurrent(sample, async (key) => ((await cluster.get(victim, key, 'quorum')).body?.value === acknowledged.get(key) ? null : key))).filter((key) => key !== null);
  expect(wrong).toEqual([]);
}
