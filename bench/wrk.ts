// Driving wrk (https://github.com/wg/wrk) and reading its report: requests per second, the latency
// distribution's 50% and 99% lines (`--latency`), and anything that was not a 2xx answer.

import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { registerCleanup } from './cleanup';
import { pinnedCommand } from './pinning';

export const WRK_INSTALL_HINT = 'apt-get install -y wrk';
const WRK_SCRIPT_PATH = join(import.meta.dir, 'kv.lua');
/** wrk's own per-request timeout; a request slower than this counts as a timeout error. */
const WRK_REQUEST_TIMEOUT_SECONDS = 10;
/** Beyond its duration, how long a wrk run may take (start-up, the final report) before it is killed. */
const WRK_OVERRUN_MS = 30_000;

export type Operation = 'get' | 'put';

export interface WrkRun {
  readonly url: string;
  readonly operation: Operation;
  readonly keys: number;
  readonly seconds: number;
  readonly connections: number;
  readonly threads: number;
  /** taskset CPU list for wrk, or undefined to let the scheduler place it. */
  readonly cpus: string | undefined;
}

export interface WrkResult {
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

export async function runWrk(run: WrkRun): Promise<WrkResult> {
  const args = [
    `--threads=${run.threads}`,
    `--connections=${run.connections}`,
    `--duration=${run.seconds}s`,
    `--timeout=${WRK_REQUEST_TIMEOUT_SECONDS}s`,
    '--latency',
    `--script=${WRK_SCRIPT_PATH}`,
    run.url,
    '--',
    run.operation,
    String(run.keys),
  ];
  const [command, commandArgs] = pinnedCommand(run.cpus, 'wrk', args);
  const output = await capture(command, commandArgs, run.seconds * 1000 + WRK_OVERRUN_MS);
  return parseWrkReport(output);
}

/** Runs a command to completion, asynchronously, so that signal handlers stay responsive meanwhile. */
function capture(command: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const unregister = registerCleanup(() => child.kill('SIGKILL'));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      unregister();
      reject(error);
    });
    child.once('close', (code, signal) => {
      unregister();
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${stderr}${stdout}`));
    });
  });
}

const MS_PER_UNIT: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Reads wrk's text report; throws on one that lacks the lines a run must produce. */
export function parseWrkReport(report: string): WrkResult {
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
