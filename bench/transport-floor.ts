// `bun run bench/transport-floor.ts`: what the peer transport alone costs per request-and-answer, the
// floor under a quorum read's remote half. Two Node processes (bench/transport-floor-peer.ts) play
// ping-pong with frames the size of a replicaRead request (13 B) and its replicaRecord answer (174 B),
// 32 requests in flight (a coordinator under wrk's 32 connections), over three stacks: Hyperswarm's
// Noise-over-UDX connection with a protomux channel (what swarmkv sends through), the same connection
// written directly, and plain TCP on loopback for scale. It prints CPU µs per exchange of both
// processes together (process.cpuUsage at in-band start and stop frames: the figure a shared machine
// moves least) and exchanges/s (wall clock: read it only against the other stacks of the same round).
// With --rate N the client sends N requests a second on a fixed schedule instead, and the exchanges'
// latency (p50, p99, max) is printed too: the transport's own tail below saturation.
// Both processes are pinned to the CPU the benchmark gives servers (bench/pinning.ts), as a cluster's
// three nodes are. Runs in a loopback-only network namespace of its own, like `npm run bench`.

import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { enterNamespace } from './namespace';
import { defaultPinning, pinnedCommand, tasksetAvailable } from './pinning';
import { freeTcpPort, freeUdpPort } from './ports';
import { median } from './summary';
import type { PeerReport, Stack } from './transport-floor-peer';

const STACKS: readonly Stack[] = ['protomux', 'secret-stream', 'tcp'];
const PEER_BUNDLE_DIR = 'dist/bench';
const PEER_BUNDLE = `${PEER_BUNDLE_DIR}/transport-floor-peer.mjs`;
/** A peer that has not said it is listening, or finished, by then has failed. */
const PEER_DEADLINE_MS = 30_000;

interface Sample {
  readonly cpuMicrosPerExchange: number;
  readonly exchangesPerSecond: number;
  readonly clientShare: number;
  readonly datagramsPerExchange: number;
  readonly wakeUpsPerExchange: number;
  readonly latencyMs: PeerReport['latencyMs'];
}

function options() {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      rounds: { type: 'string', default: '3' },
      seconds: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '1' },
      'in-flight': { type: 'string', default: '32' },
      'request-bytes': { type: 'string', default: '13' },
      'response-bytes': { type: 'string', default: '174' },
      stacks: { type: 'string', default: STACKS.join(',') },
      rate: { type: 'string', default: '0' },
    },
  });
  const stacks = values.stacks.split(',') as Stack[];
  for (const stack of stacks) if (!STACKS.includes(stack)) throw new Error(`unknown stack ${stack}; known: ${STACKS.join(', ')}`);
  const number = (name: string, text: string, min: number, max: number) => {
    const value = Number(text);
    if (!(Number.isFinite(value) && value >= min && value <= max)) throw new Error(`--${name} must be ${min}..${max}, got ${text}`);
    return value;
  };
  return {
    rounds: number('rounds', values.rounds, 1, 50),
    seconds: number('seconds', values.seconds, 1, 600),
    warmupSeconds: number('warmup', values.warmup, 0, 60),
    inFlight: number('in-flight', values['in-flight'], 1, 1024),
    requestBytes: number('request-bytes', values['request-bytes'], 1, 65_536),
    responseBytes: number('response-bytes', values['response-bytes'], 1, 65_536),
    rate: number('rate', values.rate, 0, 1_000_000),
    stacks,
  };
}

type Options = ReturnType<typeof options>;

async function bundlePeer(): Promise<void> {
  const result = await Bun.build({
    entrypoints: ['bench/transport-floor-peer.ts'],
    outdir: PEER_BUNDLE_DIR,
    target: 'node',
    format: 'esm',
    external: ['hyperdht', 'hyperswarm', 'protomux', 'compact-encoding', 'b4a', 'sodium-universal', 'sodium-native', 'udx-native'],
    naming: '[name].mjs',
  });
  if (!result.success) throw new AggregateError(result.logs, 'bundling the transport-floor peer failed');
}

/** The JSON lines a peer prints, in order; rejects if it exits or stalls first. */
function lines(child: ChildProcess): () => Promise<Record<string, unknown>> {
  const queue: string[] = [];
  const waiting: Array<(line: string | undefined) => void> = [];
  const reader = createInterface({ input: child.stdout! });
  reader.on('line', (line) => (waiting.shift() ?? ((text: string | undefined) => void queue.push(text!)))(line));
  reader.on('close', () => waiting.splice(0).forEach((resolve) => resolve(undefined)));
  return () =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`peer ${child.pid} said nothing for ${PEER_DEADLINE_MS} ms`)), PEER_DEADLINE_MS);
      const take = (line: string | undefined) => {
        clearTimeout(timer);
        if (line === undefined) reject(new Error(`peer ${child.pid} exited before its report`));
        else resolve(JSON.parse(line) as Record<string, unknown>);
      };
      const queued = queue.shift();
      if (queued !== undefined) take(queued);
      else waiting.push(take);
    });
}

function startPeer(args: string[]): { child: ChildProcess; next: () => Promise<Record<string, unknown>> } {
  const [command, argv] = pinnedCommand(tasksetAvailable() ? defaultPinning()?.serverCpus : undefined, 'node', [PEER_BUNDLE, ...args]);
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  return { child, next: lines(child) };
}

async function measure(stack: Stack, opts: Options): Promise<Sample> {
  const port = stack === 'tcp' ? await freeTcpPort() : await freeUdpPort();
  const server = startPeer(['server', stack, String(port), String(opts.responseBytes)]);
  try {
    const { serverKey } = (await server.next()) as { serverKey: string };
    const clientArgs = ['client', stack, String(port), serverKey, opts.inFlight, opts.warmupSeconds * 1000, opts.seconds, opts.requestBytes, opts.rate].map(String);
    const client = startPeer(clientArgs);
    try {
      const clientReport = (await client.next()) as unknown as PeerReport;
      const serverReport = (await server.next()) as unknown as PeerReport;
      const cpu = clientReport.cpuMicros + serverReport.cpuMicros;
      return {
        cpuMicrosPerExchange: cpu / clientReport.exchanges,
        exchangesPerSecond: (clientReport.exchanges * 1000) / clientReport.wallMs,
        clientShare: clientReport.cpuMicros / cpu,
        datagramsPerExchange: clientReport.datagrams / clientReport.exchanges,
        wakeUpsPerExchange: (clientReport.wakeUps + serverReport.wakeUps) / clientReport.exchanges,
        latencyMs: clientReport.latencyMs,
      };
    } finally {
      client.child.kill('SIGKILL');
    }
  } finally {
    server.child.kill('SIGKILL');
  }
}

function latencyText(latency: PeerReport['latencyMs']): string {
  return latency === undefined ? '' : `; latency p50 ${latency.p50.toFixed(2)} ms, p99 ${latency.p99.toFixed(2)} ms, max ${latency.max.toFixed(2)} ms`;
}

async function main(): Promise<number> {
  const opts = options();
  const boxing = await enterNamespace(process.argv);
  if ('error' in boxing) {
    console.error(boxing.error);
    return 1;
  }
  if (!boxing.inside) return boxing.exitCode;
  await bundlePeer();
  const loadAverage = loadavg()[0]!.toFixed(2);
  const load = opts.rate > 0 ? `${opts.rate} requests/s on a fixed schedule` : `${opts.inFlight} in flight`;
  console.log(`transport floor: ${opts.stacks.join(', ')}; ${opts.rounds} rounds of ${opts.seconds} s; ${load}; ${opts.requestBytes} B requests, ${opts.responseBytes} B answers; load average ${loadAverage}`);
  const samples = new Map<Stack, Sample[]>(opts.stacks.map((stack) => [stack, []]));
  for (let round = 0; round < opts.rounds; round++) {
    // The order turns every round, so no stack always runs first on a warming machine.
    const order = opts.stacks.map((_, index) => opts.stacks[(index + round) % opts.stacks.length]!);
    for (const stack of order) {
      const sample = await measure(stack, opts);
      samples.get(stack)!.push(sample);
      console.log(`round ${round + 1}/${opts.rounds} ${stack}: ${sample.cpuMicrosPerExchange.toFixed(1)} µs CPU per exchange (client ${(sample.clientShare * 100).toFixed(0)}%), ${Math.round(sample.exchangesPerSecond)} exchanges/s, ${sample.datagramsPerExchange.toFixed(2)} datagrams and ${sample.wakeUpsPerExchange.toFixed(2)} wake-ups per exchange${latencyText(sample.latencyMs)}`);
    }
  }
  const paced = opts.rate > 0;
  console.log(`\n| stack | CPU µs per exchange (median) | per round | exchanges/s (median) |${paced ? ' p99 ms (median) |' : ''}`);
  console.log(`| --- | ---: | --- | ---: |${paced ? ' ---: |' : ''}`);
  for (const [stack, list] of samples) {
    const cpu = list.map((sample) => sample.cpuMicrosPerExchange);
    const rate = list.map((sample) => sample.exchangesPerSecond);
    const p99 = paced ? ` ${median(list.map((sample) => sample.latencyMs?.p99 ?? 0)).toFixed(2)} |` : '';
    console.log(`| ${stack} | ${median(cpu).toFixed(1)} | ${cpu.map((value) => value.toFixed(1)).join(', ')} | ${Math.round(median(rate))} |${p99}`);
  }
  console.log(`load average at the end ${loadavg()[0]!.toFixed(2)}`);
  return 0;
}

process.exit(await main());
