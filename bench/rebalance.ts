// `npm run bench:rebalance`: how fast a joining node streams its ranges in, and what that costs the
// foreground. On loopback only (a private DHT founded by the first node): node A, founder, --replicas 2,
// is loaded with KEYS keys of ~100 B; node B joins with --bootstrap, and as N = 2 it must stream every
// key from A. A foreground workload (quorum GETs and PUTs through A) runs before and during the move;
// printed: keys/s and MB/s streamed (from B's log: ring.join_streaming to ring.ownership_changed, and
// its /cluster/rebalance totals), the foreground p99 before, during and after the move (after: the same
// two nodes with nothing streaming, the floor for "during", since each PUT is now replicated to B), the
// CPU each node used per key streamed (from /proc, lmdb's threads included), and the load average. With
// REBALANCE_BENCH_CPU_PROF=DIR each node writes a V8 CPU profile under DIR/<name> (stopped with SIGTERM
// so that it can), and DIR/windows.json names the move's window: read a profile with
// `bun run bench/profile-summary.ts FILE --windows DIR/windows.json --system move --operation get`.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { loadavg } from 'node:os';
import { cpuUsageBetween, snapshotCpu, type CpuSnapshot } from './cpu-usage';
import { monotonicClock } from './monotonic-clock';
import { freeUdpPort } from './ports';


const CLI = resolve(import.meta.dir, '../dist/swarmkv.mjs');
const HOST = '127.0.0.1';
const KEYS = Number(process.env.REBALANCE_BENCH_KEYS ?? 100_000);
const LOAD_CONCURRENCY = 64;
const FOREGROUND_CONCURRENCY = 4;
/** How long the foreground runs before the move, and again after it. */
const FOREGROUND_BEFORE_MS = 5000;
const EVENT_POLL_MS = 10;
const JOIN_MS_MAX = 10 * 60 * 1000;
const VALUE = { padding: 'v'.repeat(80) };
const SECRET = 'rebalance-bench-secret-0123456789';
const CPU_PROFILE_DIR = process.env.REBALANCE_BENCH_CPU_PROF;
const STOP_MS_MAX = 30_000;
/** REBALANCE_BENCH_LEAVE=1: then node b leaves again (POST /cluster/leave), handing every key back to a. */
const MEASURE_LEAVE = process.env.REBALANCE_BENCH_LEAVE === '1';

interface Node {
  readonly child: ChildProcess;
  readonly events: Map<string, { time: string; fields: Record<string, unknown> }>;
  url: string;
}

function startNode(name: string, dataDir: string, extra: string[]): Promise<Node> {
  const args = [CLI, 'node', '--name', name, '--host', HOST, '--port', '0', '--secret', SECRET, '--replicas', '2', '--profile', 'local', '--data-dir', dataDir, '--log-level', 'info', '--insecure', ...extra];
  const profiling = CPU_PROFILE_DIR === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', join(CPU_PROFILE_DIR, name)];
  const child = spawn('node', [...profiling, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const node: Node = { child, events: new Map(), url: '' };
  return new Promise((done, fail) => {
    child.once('exit', (code) => fail(new Error(`${name} exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const fields = JSON.parse(line) as Record<string, unknown>;
        node.events.set(String(fields.event), { time: String(fields.time), fields });
        if (fields.event === 'node.listening') {
          node.url = String(fields.url);
          done(node);
        }
      } catch {
        // Not a log line.
      }
    });
  });
}

async function waitUntil(what: string, predicate: () => Promise<boolean> | boolean, timeoutMs: number, pollMs = 100): Promise<void> {
  const started = performance.now();
  while (!(await Promise.resolve().then(predicate).catch(() => false))) {
    if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(pollMs);
  }
}

async function put(url: string, key: string): Promise<void> {
  const reply = await fetch(`${url}/kv/${encodeURIComponent(key)}`, { method: 'PUT', body: JSON.stringify({ value: VALUE }), headers: { 'content-type': 'application/json' } });
  await reply.arrayBuffer();
  if (reply.status !== 200) throw new Error(`PUT ${key}: ${reply.status}`);
}

async function load(url: string): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: LOAD_CONCURRENCY }, async () => {
    for (let index = next++; index < KEYS; index = next++) await put(url, `bench:${index}`);
  }));
}

/** Foreground requests (a GET of a loaded key, then a PUT) until `stop()`; latencies in ms. */
interface Latency {
  readonly atMs: number;
  readonly ms: number;
  readonly method: 'GET' | 'PUT';
}

function foreground(url: string): { latencies: Latency[]; stop(): Promise<void> } {
  const latencies: Latency[] = [];
  let running = true;
  const worker = async (id: number) => {
    for (let sequence = 0; running; sequence++) {
      const key = `bench:${(sequence * 7919 + id * 104_729) % KEYS}`;
      const started = performance.now();
      const reply = await fetch(`${url}/kv/${encodeURIComponent(key)}`);
      await reply.arrayBuffer();
      latencies.push({ atMs: started, ms: performance.now() - started, method: 'GET' });
      const writeStarted = performance.now();
      await put(url, `fg:${id}:${sequence % 1000}`);
      latencies.push({ atMs: writeStarted, ms: performance.now() - writeStarted, method: 'PUT' });
    }
  };
  const workers = Promise.all(Array.from({ length: FOREGROUND_CONCURRENCY }, (_, id) => worker(id)));
  return {
    latencies,
    stop: async () => {
      running = false;
      await workers;
    },
  };
}

interface LeaveReport {
  readonly phase: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly recordsHandedOver: number;
  readonly bytesHandedOver: number;
}

/** The node leaves; its records handed over per second, from its own leave status. */
async function measureLeave(node: Node): Promise<void> {
  await (await fetch(`${node.url}/cluster/leave`, { method: 'POST' })).arrayBuffer();
  let report: LeaveReport | undefined;
  await waitUntil('the leave to end', async () => {
    report = (await (await fetch(`${node.url}/cluster/leave`)).json()) as LeaveReport;
    return report.phase === 'left' || report.phase === 'failed';
  }, JOIN_MS_MAX);
  const seconds = (Date.parse(report!.finishedAt!) - Date.parse(report!.startedAt!)) / 1000;
  console.log(`leave ${report!.phase}: ${report!.recordsHandedOver} records, ${(report!.bytesHandedOver / 1e6).toFixed(1)} MB handed over in ${seconds.toFixed(2)} s: ${Math.round(report!.recordsHandedOver / seconds)} records/s`);
}

/** The move's window on the clock CPU profiles are stamped with, in profile-summary's report format. */
function writeMoveWindow(dir: string, startWallMs: number, endWallMs: number, requests: number): void {
  const nowMicros = monotonicClock()();
  const nowWallMs = Date.now();
  const window = { startMicros: nowMicros - (nowWallMs - startWallMs) * 1000, endMicros: nowMicros - (nowWallMs - endWallMs) * 1000 };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'windows.json'), JSON.stringify({ measurements: [{ system: 'move', operation: 'get', window, result: { requests } }] }));
}

/** SIGKILL, or with profiling a SIGTERM and a wait for the exit (a profile is written on a clean exit). */
async function stop(node: Node): Promise<void> {
  if (node.child.exitCode !== null) return;
  const exited = new Promise((resolve) => node.child.once('exit', resolve));
  node.child.kill(CPU_PROFILE_DIR === undefined ? 'SIGKILL' : 'SIGTERM');
  const timer = setTimeout(() => node.child.kill('SIGKILL'), STOP_MS_MAX);
  await exited;
  clearTimeout(timer);
}

/** Microseconds of a node's CPU (all its threads) per key streamed, and the cores it kept busy. */
function cpuPerKey(start: CpuSnapshot | undefined, end: CpuSnapshot | undefined, keys: number): string {
  const usage = cpuUsageBetween(start, end);
  if (usage === undefined || end === undefined || start === undefined) return 'unknown';
  const cores = usage.serverCores;
  const cpuSeconds = (cores * (end.atMs - start.atMs)) / 1000;
  return `${((cpuSeconds * 1e6) / keys).toFixed(1)} µs (${cores.toFixed(2)} cores)`;
}

function p99(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'swarmkv-rebalance-bench-'));
  const nodes: Node[] = [];
  try {
    const dhtPort = await freeUdpPort();
    const a = await startNode('a', join(root, 'a'), ['--dht-port', String(dhtPort)]);
    nodes.push(a);
    await waitUntil('a ready', async () => (await fetch(`${a.url}/health/ready`)).status === 200, 30_000);
    const loadStarted = performance.now();
    await load(a.url);
    console.log(`loaded ${KEYS} keys of ~100 B into a in ${Math.round(performance.now() - loadStarted)} ms`);
    const before = foreground(a.url);
    await Bun.sleep(FOREGROUND_BEFORE_MS);
    await before.stop();
    const during = foreground(a.url);
    const b = await startNode('b', join(root, 'b'), ['--bootstrap', `${HOST}:${dhtPort}`]);
    nodes.push(b);
    await waitUntil('b to stream', () => b.events.has('ring.join_streaming'), JOIN_MS_MAX, EVENT_POLL_MS);
    const cpuAtStart = [snapshotCpu([a.child.pid!], []), snapshotCpu([b.child.pid!], [])];
    await waitUntil('b to become an owner', () => b.events.has('ring.ownership_changed'), JOIN_MS_MAX, EVENT_POLL_MS);
    const cpuAtEnd = [snapshotCpu([a.child.pid!], []), snapshotCpu([b.child.pid!], [])];
    await during.stop();
    const after = foreground(a.url);
    await Bun.sleep(FOREGROUND_BEFORE_MS);
    await after.stop();
    const streamedAt = Date.parse(b.events.get('ring.join_streaming')!.time);
    const ownerAt = Date.parse(b.events.get('ring.ownership_changed')!.time);
    const seconds = (ownerAt - streamedAt) / 1000;
    const status = (await (await fetch(`${b.url}/cluster/rebalance`)).json()) as { keysStreamed: number; bytesStreamed: number };
    // Foreground latencies while the transfers ran, by the wall clock of the two log lines.
    const offsetMs = Date.now() - performance.now();
    const duringMove = during.latencies.filter(({ atMs }) => atMs + offsetMs >= streamedAt && atMs + offsetMs <= ownerAt);
    const whileStreaming = duringMove.map(({ ms }) => ms);
    console.log(`streamed ${status.keysStreamed} keys, ${(status.bytesStreamed / 1e6).toFixed(1)} MB in ${seconds.toFixed(2)} s: ${Math.round(status.keysStreamed / seconds)} keys/s, ${(status.bytesStreamed / 1e6 / seconds).toFixed(1)} MB/s`);
    if (CPU_PROFILE_DIR !== undefined) writeMoveWindow(CPU_PROFILE_DIR, streamedAt, ownerAt, whileStreaming.length);
    console.log(`foreground p99 before: ${p99(before.latencies.map(({ ms }) => ms)).toFixed(1)} ms (${before.latencies.length} requests); during the move: ${p99(whileStreaming).toFixed(1)} ms (${whileStreaming.length} requests); after: ${p99(after.latencies.map(({ ms }) => ms)).toFixed(1)} ms (${after.latencies.length} requests)`);
    const byMethod = (latencies: readonly Latency[], method: Latency['method']) => p99(latencies.filter((latency) => latency.method === method).map(({ ms }) => ms)).toFixed(1);
    console.log(`  GET p99 ${byMethod(before.latencies, 'GET')} -> ${byMethod(duringMove, 'GET')} -> ${byMethod(after.latencies, 'GET')} ms; PUT p99 ${byMethod(before.latencies, 'PUT')} -> ${byMethod(duringMove, 'PUT')} -> ${byMethod(after.latencies, 'PUT')} ms`);
    console.log(`CPU during the move, per key streamed: a ${cpuPerKey(cpuAtStart[0], cpuAtEnd[0], status.keysStreamed)} (serving the foreground too), b ${cpuPerKey(cpuAtStart[1], cpuAtEnd[1], status.keysStreamed)}; load average ${loadavg().map((load) => load.toFixed(2)).join(' ')}`);
    if (MEASURE_LEAVE) await measureLeave(b);
  } finally {
    await Promise.all(nodes.map((node) => stop(node)));
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
