// Driving wrk (https://github.com/wg/wrk) and reading its report: requests per second, the latency
// distribution's 50% and 99% lines (`--latency`), and anything that was not a 2xx answer.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { capture } from './capture';
import { pinnedCommand } from './pinning';

export const WRK_INSTALL_HINT = 'apt-get install -y wrk';
const WRK_SCRIPT_PATH = join(import.meta.dir, 'kv.lua');
/** host:port[,host:port...]: the servers kv.lua spreads its threads over. */
const TARGETS_VARIABLE = 'SWARMKV_BENCH_TARGETS';
/** Requests per second each wrk thread offers, for a paced run (kv.lua's delay()). */
const THREAD_RATE_VARIABLE = 'SWARMKV_BENCH_THREAD_RATE';
/** wrk's own per-request timeout; a request slower than this counts as a timeout error. */
const WRK_REQUEST_TIMEOUT_SECONDS = 10;
/** Beyond its duration, how long a wrk run may take (start-up, the final report) before it is killed. */
const WRK_OVERRUN_MS = 30_000;

export type Operation = 'get' | 'put';

export interface WrkRun {
  /** swarmkv's REST API or etcd's JSON gateway (bench/kv.lua speaks both). */
  readonly protocol: 'swarmkv' | 'etcd';
  /** The servers to load: one, or several (a cluster's nodes), each loaded by its own wrk thread(s). */
  readonly urls: readonly string[];
  /** Query string every request carries ('' for none), e.g. `consistency=quorum`. */
  readonly query: string;
  readonly operation: Operation;
  readonly keys: number;
  readonly seconds: number;
  /** Open connections in all; with several URLs, rounded up so that every URL gets the same number. */
  readonly connections: number;
  /** wrk threads; with several URLs, rounded up to a multiple of their count (a thread loads one URL). */
  readonly threads: number;
  /** taskset CPU list for wrk, or undefined to let the scheduler place it. */
  readonly cpus: string | undefined;
  /** Requests per second offered in all, for a paced run; undefined for as fast as the server answers. */
  readonly offeredRate?: number | undefined;
}

export interface WrkResult {
  /** Connections and threads wrk actually ran with (see WrkRun for the rounding over several URLs). */
  readonly connections: number;
  readonly threads: number;
  readonly requestsPerSecond: number;
  readonly requests: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  /** connect, read, write and timeout errors summed. */
  readonly socketErrors: number;
}

export function wrkVersion(): string | undefined {
  const result = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (result.error !== undefined) return undefined;
  return /wrk\s+(\S+)/.exec(`${result.stdout}${result.stderr}`)?.[1] ?? 'unknown';
}

/**
 * Threads and connections for `urls`: wrk connects all of a thread's connections to one address, so
 * spreading the load evenly over several servers takes a multiple of their count of threads, each with
 * the same share of connections (wrk gives every thread connections / threads).
 */
export function loadShape(urlCount: number, threads: number, connections: number): { threads: number; connections: number } {
  const spreadThreads = Math.ceil(threads / urlCount) * urlCount;
  return { threads: spreadThreads, connections: Math.ceil(connections / spreadThreads) * spreadThreads };
}

export async function runWrk(run: WrkRun): Promise<WrkResult> {
  if (run.urls.length === 0) throw new Error('wrk needs at least one URL');
  const shape = run.urls.length === 1 ? { threads: run.threads, connections: run.connections } : loadShape(run.urls.length, run.threads, run.connections);
  const args = [
    `--threads=${shape.threads}`,
    `--connections=${shape.connections}`,
    `--duration=${run.seconds}s`,
    `--timeout=${WRK_REQUEST_TIMEOUT_SECONDS}s`,
    '--latency',
    `--script=${WRK_SCRIPT_PATH}`,
    run.urls[0]!,
    '--',
    run.protocol,
    run.operation,
    String(run.keys),
    ...(run.query === '' ? [] : [run.query]),
  ];
  // kv.lua's setup() reads the servers from the environment: wrk hands script arguments to each
  // thread's init(), which runs after the thread's address is fixed.
  const targets = run.urls.map((url) => new URL(url).host).join(',');
  const [command, commandArgs] = pinnedCommand(run.cpus, 'wrk', args);
  const env: NodeJS.ProcessEnv = { ...process.env, [TARGETS_VARIABLE]: targets };
  if (run.offeredRate !== undefined) env[THREAD_RATE_VARIABLE] = String(run.offeredRate / shape.threads);
  const output = await capture(command, commandArgs, env, run.seconds * 1000 + WRK_OVERRUN_MS);
  return { ...shape, ...parseWrkReport(output) };
}

const MS_PER_UNIT: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Reads wrk's text report; throws on one that lacks the lines a run must produce. */
export function parseWrkReport(report: string): Omit<WrkResult, 'connections' | 'threads'> {
  const rate = /^Requests\/sec:\s+([\d.]+)\s*$/m.exec(report);
  const requests = /^\s*(\d+) requests in /m.exec(report);
  const p50 = percentileMs(report, 50);
  const p99 = percentileMs(report, 99);
  if (rate === null || requests === null || p50 === undefined || p99 === undefined) throw new Error(`unexpected wrk report:\n${report}`);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(report);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(report);
  return {
    requestsPerSecond: Number(rate[1]),
    requests: Number(requests[1]),
    p50Ms: p50,
    p99Ms: p99,
    non2xx: non2xx === null ? 0 : Number(non2xx[1]),
    socketErrors: socket === null ? 0 : socket.slice(1).reduce((sum, count) => sum + Number(count), 0),
  };
}

function percentileMs(report: string, percent: number): number | undefined {
  const line = new RegExp(`^\\s+${percent}%\\s+([\\d.]+)(us|ms|s|m|h)\\s*$`, 'm').exec(report);
  if (line === null) return undefined;
  return Number(line[1]) * MS_PER_UNIT[line[2]!]!;
}
