// `npm run bench:cold-start`: how long a node takes from spawn to its first answer, and to ready, next
// to a bare `node:http` server's spawn-to-first-answer measured in the same run. Four kinds of process:
//   bare        node -e 'http.createServer(...).listen(port)': the floor Node itself sets;
//   durable     swarmkv node on a fresh LMDB data directory, standalone;
//   memory      swarmkv node --memory, standalone;
//   joining     swarmkv node --memory joining a running 2-node cluster (over a `swarmkv bootstrap`):
//               first answer (/health/live), ready (/health/ready 200), and ready after its first peer
//               connection (the node's own transport.peer_up log line).
// Each is spawned `--runs` times (default 7), one at a time, and polled every POLL_MS from the instant
// it is spawned; the table gives the median and the worst run, and each median as a multiple of the
// bare server's. Everything listens on 127.0.0.1; the cluster's DHT is a private one on loopback.
//
//   npm run bench:cold-start
//   npm run bench:cold-start -- --runs 15
//   npm run bench:cold-start -- --cpu-prof /tmp/profiles     # --cpu-prof for the swarmkv nodes
//   npm run bench:cold-start -- --before /tmp/old/dist/swarmkv.mjs   # an older build, same runs
// An older build has no /health/ready: its "ready" is its first 200 on /health.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { registerCleanup, runCleanupsSync } from './cleanup';
import { freeTcpPort, freeUdpPort } from './ports';
import { BIND_HOST } from './systems';

const CLI_PATH = resolve(import.meta.dir, '..', 'dist', 'swarmkv.mjs');
const RUNS_DEFAULT = 7;
/** How often a starting process is asked; the figures are accurate to about this. */
const POLL_MS = 2;
const REQUEST_TIMEOUT_MS = 1000;
const START_MS_MAX = 20_000;
const STOP_MS_MAX = 30_000;
const BARE_SERVER = `require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.argv[1]), '${BIND_HOST}')`;

interface Spawned {
  readonly child: ChildProcess;
  readonly spawnedMs: number;
  /** Log lines with the wall-clock instant (Date.now()) they arrived at. */
  readonly lines: { event: Record<string, unknown>; atWallMs: number }[];
  readonly exited: Promise<void>;
}

function spawnProcess(args: string[]): Spawned {
  const spawnedMs = performance.now();
  const child = spawn('node', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const unregister = registerCleanup(() => child.kill('SIGKILL'));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  void exited.then(unregister);
  const lines: Spawned['lines'] = [];
  // readline hands over each line as soon as the chunk ending it arrives, so atWallMs is that instant.
  createInterface({ input: child.stdout!, crlfDelay: Infinity }).on('line', (line) => {
    try {
      lines.push({ event: JSON.parse(line) as Record<string, unknown>, atWallMs: Date.now() });
    } catch {
      // Not a log line.
    }
  });
  child.stderr!.resume();
  return { child, spawnedMs, lines, exited };
}

/** The HTTP status of GET url, or undefined when nothing answers (yet). */
function statusOf(url: string): Promise<number | undefined> {
  return new Promise((done) => {
    const req = request(url, { timeout: REQUEST_TIMEOUT_MS }, (res) => {
      res.resume();
      done(res.statusCode);
    });
    req.once('error', () => done(undefined));
    req.once('timeout', () => req.destroy());
    req.end();
  });
}

/** Milliseconds from spawn until GET url answers with `wanted` (any status when undefined). */
async function msUntil(spawned: Spawned, url: string, wanted?: number): Promise<number> {
  for (;;) {
    const status = await statusOf(url);
    if (status !== undefined && (wanted === undefined || status === wanted)) return performance.now() - spawned.spawnedMs;
    if (spawned.child.exitCode !== null) throw new Error(`${url}: the process exited (${spawned.child.exitCode}) before answering`);
    if (performance.now() - spawned.spawnedMs > START_MS_MAX) throw new Error(`${url}: no answer within ${START_MS_MAX} ms`);
    await Bun.sleep(POLL_MS);
  }
}

async function stop(spawned: Spawned): Promise<void> {
  spawned.child.kill('SIGTERM');
  const timer = setTimeout(() => spawned.child.kill('SIGKILL'), STOP_MS_MAX);
  await spawned.exited;
  clearTimeout(timer);
}

interface Sample {
  readonly firstMs: number;
  readonly readyMs?: number;
  readonly readyAfterPeerMs?: number;
  /** The node's own `startMs` (process start to node.listening, by its clock). */
  readonly listeningStartMs?: number;
}

interface Scenario {
  readonly name: string;
  /** Node's argv for one run, on this HTTP port. */
  args(port: number, run: number): string[];
  readonly readyPath?: string;
  readonly firstPath: string;
}

async function measure(scenario: Scenario, run: number): Promise<Sample> {
  const port = await freeTcpPort();
  const base = `http://${BIND_HOST}:${port}`;
  const spawned = spawnProcess(scenario.args(port, run));
  try {
    const firstMs = await msUntil(spawned, `${base}${scenario.firstPath}`);
    const readyMs = scenario.readyPath === undefined ? undefined : await msUntil(spawned, `${base}${scenario.readyPath}`, 200);
    const readyWallMs = Date.now();
    const peerUp = spawned.lines.find((line) => line.event.event === 'transport.peer_up');
    const listening = spawned.lines.find((line) => line.event.event === 'node.listening');
    return {
      firstMs,
      ...(readyMs === undefined ? {} : { readyMs }),
      ...(peerUp === undefined ? {} : { readyAfterPeerMs: readyWallMs - Date.parse(String(peerUp.event.time)) }),
      ...(listening === undefined ? {} : { listeningStartMs: Number(listening.event.startMs) }),
    };
  } finally {
    await stop(spawned);
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const worst = (values: number[]) => Math.max(...values);
const cell = (values: number[]) => (values.length === 0 ? '—' : `${Math.round(median(values))} / ${Math.round(worst(values))}`);

/** A running 2-node cluster for the joining runs: a DHT bootstrap and two --memory nodes. */
async function startCluster(secret: string): Promise<{ bootstrap: string; stop(): Promise<void> }> {
  const dhtPort = await freeUdpPort();
  const bootstrapProcess = spawnProcess([CLI_PATH, 'bootstrap', '--host', BIND_HOST, '--port', String(dhtPort), '--log-level', 'warn']);
  const bootstrap = `${BIND_HOST}:${dhtPort}`;
  const members: Spawned[] = [];
  for (const name of ['member-1', 'member-2']) {
    const port = await freeTcpPort();
    const member = spawnProcess([CLI_PATH, 'node', '--name', name, '--memory', '--host', BIND_HOST, '--port', String(port), '--secret', secret, '--bootstrap', bootstrap, '--profile', 'local']);
    members.push(member);
    await msUntil(member, `http://${BIND_HOST}:${port}/health/ready`, 200);
  }
  return {
    bootstrap,
    stop: async () => {
      await Promise.all(members.map(stop));
      await stop(bootstrapProcess);
    },
  };
}

/** The three swarmkv processes of one build. */
function swarmkvScenarios(build: { label: string; cliPath: string; readyPath: string; nodeFlags: string[]; scratch: string; secret: string; bootstrap: string }): Scenario[] {
  const { label, cliPath, readyPath, nodeFlags, scratch, secret, bootstrap } = build;
  const node = (port: number, extra: string[]) => [...nodeFlags, cliPath, 'node', '--host', BIND_HOST, '--port', String(port), '--log-level', 'info', ...extra];
  const probes = { firstPath: '/health/live', readyPath };
  return [
    { name: `durable, standalone${label}`, ...probes, args: (port, run) => node(port, ['--data-dir', join(scratch, `durable${label.length}-${run}`)]) },
    { name: `memory, standalone${label}`, ...probes, args: (port) => node(port, ['--memory']) },
    {
      name: `memory, joining a 2-node cluster${label}`,
      ...probes,
      args: (port, run) => node(port, ['--memory', '--name', `joiner${label.length}-${run}`, '--secret', secret, '--bootstrap', bootstrap, '--profile', 'local']),
    },
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: String(RUNS_DEFAULT) }, 'cpu-prof': { type: 'string' }, before: { type: 'string' } } });
  const runs = Number(values.runs);
  const scratch = mkdtempSync(join(tmpdir(), 'swarmkv-cold-start-'));
  registerCleanup(() => rmSync(scratch, { recursive: true, force: true }));
  const profileDir = values['cpu-prof'];
  if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true });
  const nodeFlags = profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir];
  const secret = randomBytes(16).toString('hex');
  const cluster = await startCluster(secret);
  const scenarios: Scenario[] = [
    { name: 'bare node:http', firstPath: '/', args: (port) => ['-e', BARE_SERVER, String(port)] },
    ...swarmkvScenarios({ label: '', cliPath: CLI_PATH, readyPath: '/health/ready', nodeFlags, scratch, secret, bootstrap: cluster.bootstrap }),
    ...(values.before === undefined ? [] : swarmkvScenarios({ label: ' (before)', cliPath: resolve(values.before), readyPath: '/health', nodeFlags, scratch, secret, bootstrap: cluster.bootstrap })),
  ];
  const samples = new Map<string, Sample[]>(scenarios.map((scenario) => [scenario.name, []]));
  try {
    // Interleaved, so that a burst of load on the machine spreads over every scenario alike.
    for (let run = 0; run < runs; run++) for (const scenario of scenarios) samples.get(scenario.name)!.push(await measure(scenario, run));
  } finally {
    await cluster.stop();
  }
  const bareMedian = median(samples.get('bare node:http')!.map((sample) => sample.firstMs));
  console.log(`cold start, ${runs} runs each, milliseconds from spawn (median / worst); polled every ${POLL_MS} ms\n`);
  console.log('| process | first answer | × bare | ready | ready after first peer | node.listening startMs |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const [name, list] of samples) {
    const pick = (field: keyof Sample) => list.flatMap((sample) => (sample[field] === undefined ? [] : [sample[field]!]));
    const ratio = (median(pick('firstMs')) / bareMedian).toFixed(2);
    console.log(`| ${name} | ${cell(pick('firstMs'))} | ${ratio} | ${cell(pick('readyMs'))} | ${cell(pick('readyAfterPeerMs'))} | ${cell(pick('listeningStartMs'))} |`);
  }
}

process.once('exit', runCleanupsSync);
await main().finally(runCleanupsSync);
