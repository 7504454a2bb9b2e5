// One point of the scaling curve: S swarmkv nodes (durable, `--profile lan`) started at once over a
// local DHT bootstrap, then
//   converge   spawn of the first node -> every node lists S alive members and all ring digests agree
//              (also given from the moment the last node listened);
//   gossip     bytes of peer frames each node sends and receives per second over an idle window, from
//              /metrics (swarmkv_transport_bytes_*_total): SWIM pings, acks, gossip pushes, and any
//              anti-entropy digest exchange that falls in the window (the stores are empty);
//   memory     each node's RSS and anonymous RSS (/proc) and V8 heap in use (/metrics) after the window;
//   detection  kill -9 of one node -> every other node lists it dead.

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { freeTcpPort, freeUdpPort } from './ports';
import { BenchProcess, scrapeMetric } from './scaling-process';
import { BIND_HOST } from './systems';

/**
 * Twenty Node processes starting at once on 2 shared cores need over a minute of CPU between them
 * (measured: one of 20 had not listened after 60 s at load average 40); the bench reports how long
 * they took rather than failing.
 */
const START_MS_MAX = 300_000;
const CONVERGE_MS_MAX = 300_000;
const DETECTION_MS_MAX = 60_000;
const CONVERGE_POLL_MS = 200;
const DETECTION_POLL_MS = 100;
const REQUEST_TIMEOUT_MS = 5_000;
/** After convergence, before the gossip window: joins' catch-up traffic dies down. */
const SETTLE_MS = 5_000;

export interface ScalingOptions {
  readonly cliPath: string;
  readonly scratchDir: string;
  readonly idleWindowMs: number;
}

export interface Spread {
  readonly mean: number;
  readonly max: number;
}

export interface ScalingPoint {
  readonly nodes: number;
  readonly convergeFromSpawnMs: number;
  readonly convergeAfterListeningMs: number;
  readonly detectionMs: number;
  readonly gossipSentBytesPerSecond: Spread;
  readonly gossipReceivedBytesPerSecond: Spread;
  readonly rssBytes: Spread;
  readonly anonBytes: Spread;
  readonly heapUsedBytes: Spread;
  readonly loadAverage1m: readonly [start: number, end: number];
}

interface Node {
  readonly name: string;
  readonly url: string;
  readonly process: BenchProcess;
  nodeId: string;
}

const spreadOf = (values: readonly number[]): Spread => ({ mean: Math.round(values.reduce((sum, value) => sum + value, 0) / values.length), max: Math.max(...values) });

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  return (await response.json()) as T;
}

interface MembersReply {
  members: { nodeId: string; state: string }[];
}

/** Polls until `holds` is true; resolves with the instant it first was. */
async function waitUntil(holds: () => Promise<boolean>, pollMs: number, deadlineMs: number, what: string): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < deadlineMs) {
    if (await holds().catch(() => false)) return performance.now();
    await Bun.sleep(pollMs);
  }
  throw new Error(`${what} did not happen within ${deadlineMs} ms`);
}

/** What each node saw at the last poll, for a size that does not converge: `members known / alive`. */
let lastViews = '';

async function converged(nodes: readonly Node[]): Promise<boolean> {
  const views = await Promise.all(nodes.map((node) => Promise.all([getJson<MembersReply>(`${node.url}/cluster/members`), getJson<{ digest: string }>(`${node.url}/cluster/ring`)])));
  const digests = new Set(views.map(([, ring]) => ring.digest));
  lastViews = views.map(([reply], index) => `${nodes[index]!.name} ${reply.members.length}/${reply.members.filter((member) => member.state === 'alive').length}`).join(', ');
  return digests.size === 1 && views.every(([reply]) => reply.members.length === nodes.length && reply.members.every((member) => member.state === 'alive'));
}

/** Why a size gave no figures: what every node saw (members known / alive) when the wait ended. */
export class NotConvergedError extends Error {
  override readonly name = 'NotConvergedError';
}

async function startNodes(size: number, options: ScalingOptions): Promise<{ bootstrap: BenchProcess; nodes: Node[] }> {
  const dhtPort = await freeUdpPort();
  const bootstrap = new BenchProcess('bootstrap', [options.cliPath, 'bootstrap', '--host', BIND_HOST, '--port', String(dhtPort)]);
  await bootstrap.waitForEvent('dht.listening', START_MS_MAX);
  const secret = randomBytes(16).toString('hex');
  const ports = await Promise.all(Array.from({ length: size }, () => freeTcpPort()));
  const nodes = ports.map((port, index): Node => {
    const name = `s${index + 1}`;
    const args = [options.cliPath, 'node', '--name', name, '--host', BIND_HOST, '--port', String(port), '--advertise', `${BIND_HOST}:${port}`];
    args.push('--secret', secret, '--bootstrap', `${BIND_HOST}:${dhtPort}`, '--insecure', '--profile', 'lan', '--sync', 'flush', '--data-dir', join(options.scratchDir, `${size}-${name}`));
    return { name, url: `http://${BIND_HOST}:${port}`, process: new BenchProcess(name, args), nodeId: '' };
  });
  return { bootstrap, nodes };
}

/** Bytes sent and received per node per second over an idle window. */
async function gossipRates(nodes: readonly Node[], windowMs: number): Promise<{ sent: number[]; received: number[] }> {
  const read = (node: Node) => Promise.all(['swarmkv_transport_bytes_sent_total', 'swarmkv_transport_bytes_received_total'].map(async (name) => (await scrapeMetric(node.url, name, REQUEST_TIMEOUT_MS)) ?? Number.NaN));
  const before = await Promise.all(nodes.map(read));
  const startedMs = performance.now();
  await Bun.sleep(windowMs);
  const after = await Promise.all(nodes.map(read));
  const seconds = (performance.now() - startedMs) / 1000;
  return {
    sent: nodes.map((_, index) => Math.round((after[index]![0]! - before[index]![0]!) / seconds)),
    received: nodes.map((_, index) => Math.round((after[index]![1]! - before[index]![1]!) / seconds)),
  };
}

/** kill -9 the last node; resolves with the time until every other node lists it dead. */
async function detection(nodes: readonly Node[]): Promise<number> {
  const victim = nodes[nodes.length - 1]!;
  const observers = nodes.slice(0, -1);
  await victim.process.kill9();
  const killedMs = performance.now();
  const seesDead = async (observer: Node) => (await getJson<MembersReply>(`${observer.url}/cluster/members`)).members.some((member) => member.nodeId === victim.nodeId && member.state === 'dead');
  const doneMs = await waitUntil(async () => (await Promise.all(observers.map(seesDead))).every(Boolean), DETECTION_POLL_MS, DETECTION_MS_MAX, `${victim.name} dead on every other node`);
  return Math.round(doneMs - killedMs);
}

export async function measureScalingPoint(size: number, options: ScalingOptions): Promise<ScalingPoint> {
  const loadStart = loadavg()[0]!;
  const { bootstrap, nodes } = await startNodes(size, options);
  try {
    const firstSpawnMs = Math.min(...nodes.map((node) => node.process.spawnedMs));
    const listening = await Promise.all(nodes.map((node) => node.process.waitForEvent('node.listening', START_MS_MAX)));
    for (const [index, logged] of listening.entries()) nodes[index]!.nodeId = String(logged.event.nodeId);
    const lastListeningMs = Math.max(...listening.map((logged) => logged.atMs));
    const convergedMs = await waitUntil(() => converged(nodes), CONVERGE_POLL_MS, CONVERGE_MS_MAX, `${size} nodes converged`).catch(() => {
      throw new NotConvergedError(`${size} nodes did not converge within ${CONVERGE_MS_MAX} ms of the first spawn (all listened ${Math.round(lastListeningMs - firstSpawnMs)} ms after it); members known / alive per node at the end: ${lastViews}`);
    });
    await Bun.sleep(SETTLE_MS);
    const gossip = await gossipRates(nodes, options.idleWindowMs);
    const memory = nodes.map((node) => node.process.memory());
    const heaps = await Promise.all(nodes.map(async (node) => (await scrapeMetric(node.url, 'swarmkv_process_nodejs_heap_size_used_bytes', REQUEST_TIMEOUT_MS)) ?? 0));
    const detectionMs = await detection(nodes);
    return {
      nodes: size,
      convergeFromSpawnMs: Math.round(convergedMs - firstSpawnMs),
      convergeAfterListeningMs: Math.round(convergedMs - lastListeningMs),
      detectionMs,
      gossipSentBytesPerSecond: spreadOf(gossip.sent),
      gossipReceivedBytesPerSecond: spreadOf(gossip.received),
      rssBytes: spreadOf(memory.map((entry) => entry.rssBytes)),
      anonBytes: spreadOf(memory.map((entry) => entry.anonBytes)),
      heapUsedBytes: spreadOf(heaps),
      loadAverage1m: [loadStart, loadavg()[0]!],
    };
  } finally {
    await Promise.all(nodes.map((node) => node.process.kill9()));
    await bootstrap.stop();
  }
}
