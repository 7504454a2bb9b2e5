// Driving redis-benchmark (Debian's redis-tools) against the Redis Cluster: wrk speaks only HTTP, and
// redis-benchmark is the RESP load generator Redis ships, with the same shape of load as wrk's runs
// (one process, a fixed number of connections, one request in flight per connection, random keys over
// the same key space, ~100-byte values). It runs a count of requests rather than a duration, so the
// count is sized from the rate of the previous run of the same operation.

import { spawnSync } from 'node:child_process';
import { capture } from './capture';
import { pinnedCommand } from './pinning';
import type { Operation, WrkResult } from './wrk';

export const REDIS_BENCHMARK_COMMAND = 'redis-benchmark';
/** The rate a first run is sized by; its result sizes the next. Redis serves tens of thousands per second. */
const FIRST_RUN_RATE = 30_000;
const REQUESTS_MIN = 1_000;
const VALUE_BYTES = 100;
/** Beyond its expected length, how long a run may take before it is killed. */
const OVERRUN_MS = 60_000;

const COMMAND_OF: Record<Operation, string> = { get: 'get', put: 'set' };

export interface RedisBenchmarkRun {
  readonly urls: readonly string[];
  readonly operation: Operation;
  readonly keys: number;
  readonly seconds: number;
  readonly connections: number;
  readonly cpus: string | undefined;
}

export function redisBenchmarkVersion(): string | undefined {
  const result = spawnSync(REDIS_BENCHMARK_COMMAND, ['--version'], { encoding: 'utf8' });
  if (result.error !== undefined) return undefined;
  return /redis-benchmark\s+(\S+)/.exec(result.stdout)?.[1] ?? 'unknown';
}

export class RedisBenchmark {
  /** The last measured rate per operation, to size the next run to about its seconds. */
  readonly #lastRate = new Map<Operation, number>();

  async run(run: RedisBenchmarkRun): Promise<WrkResult> {
    const rate = this.#lastRate.get(run.operation) ?? FIRST_RUN_RATE;
    const requests = Math.max(REQUESTS_MIN, Math.round(rate * run.seconds));
    const { hostname, port } = new URL(run.urls[0]!);
    const args = [
      ...['--cluster', '-h', hostname, '-p', port],
      ...['-c', String(run.connections), '-n', String(requests), '-r', String(run.keys), '-d', String(VALUE_BYTES)],
      ...['-t', COMMAND_OF[run.operation], '--csv'],
    ];
    const [command, commandArgs] = pinnedCommand(run.cpus, REDIS_BENCHMARK_COMMAND, args);
    const output = await capture(command, commandArgs, process.env, (requests / rate) * 1000 + OVERRUN_MS);
    const result = parseRedisBenchmarkCsv(output, COMMAND_OF[run.operation], requests);
    this.#lastRate.set(run.operation, result.requestsPerSecond);
    return { ...result, connections: run.connections, threads: 1 };
  }
}

/** Reads the CSV line of `command` ("test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms",...). */
export function parseRedisBenchmarkCsv(output: string, command: string, requests: number): Omit<WrkResult, 'connections' | 'threads'> {
  const header = output.split('\n').find((line) => line.startsWith('"test"'));
  const row = output.split('\n').find((line) => line.toUpperCase().startsWith(`"${command.toUpperCase()}"`));
  if (header === undefined || row === undefined) throw new Error(`unexpected redis-benchmark output:\n${output}`);
  const columns = header.split(',').map((cell) => cell.replaceAll('"', ''));
  const values = row.split(',').map((cell) => cell.replaceAll('"', ''));
  const field = (name: string) => {
    const value = Number(values[columns.indexOf(name)]);
    if (!Number.isFinite(value)) throw new Error(`redis-benchmark output lacks ${name}:\n${output}`);
    return value;
  };
  return { requestsPerSecond: field('rps'), requests, p50Ms: field('p50_latency_ms'), p99Ms: field('p99_latency_ms'), non2xx: 0, socketErrors: 0 };
}
