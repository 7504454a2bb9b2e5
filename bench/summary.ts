// From the rounds' raw load results to the figures reported: medians over rounds, and ratios to the
// systems every row is compared with (etcd-3, the bare server, the single durable node, and a system's
// own reference: a candidate's A side). A ratio is taken within each round (a system's run against the
// other's run of the same round, a minute or two apart at most) and the median of those is reported, so
// that the machine's drift over the whole run cancels out instead of landing on whichever system was
// measured in a slow minute.

import type { CpuUsage } from './cpu-usage';
import { BARE_REFERENCE, RUNTIME_REFERENCE, ETCD_REFERENCE, SINGLE_NODE_REFERENCE, SYSTEMS, type SystemId } from './systems';
import type { Operation, WrkResult } from './wrk';

export interface Measurement {
  readonly round: number;
  readonly system: SystemId;
  readonly operation: Operation;
  readonly result: WrkResult;
  readonly cpu: CpuUsage | undefined;
  /** 1, or more when earlier attempts were disturbed by other processes and discarded. */
  readonly attempts: number;
  /** When the counted attempt ran, on CLOCK_MONOTONIC in µs (the clock of V8's CPU profiles). */
  readonly window: { readonly startMicros: number; readonly endMicros: number };
  /** UDP datagrams received in the benchmark's namespace during the run: a swarmkv cluster's peer traffic. */
  readonly datagrams?: number | undefined;
}

/** A system the run meant to measure but could not, and why (a cluster that never formed, say). */
export interface Unmeasured {
  readonly system: SystemId;
  readonly reason: string;
}

export interface SummaryRow {
  readonly system: SystemId;
  readonly operation: Operation;
  /** The system it was measured beside (a candidate's A side, a cluster's single node). */
  readonly reference: SystemId | undefined;
  /** Rounds measured (fewer than asked when the system dropped out of the run). */
  readonly rounds: number;
  /** wrk connections (a cluster's are rounded up to a multiple of its node count). */
  readonly connections: number;
  readonly requestsPerSecond: number;
  readonly requestsPerSecondMin: number;
  readonly requestsPerSecondMax: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Ratios to each compared system measured in the run (see comparedWith), by that system. */
  readonly against: Partial<Record<SystemId, Ratios>>;
  readonly non2xx: number;
  readonly socketErrors: number;
  /** Median cores the server process(es) used (undefined without /proc). */
  readonly serverCores: number | undefined;
  /**
   * Median server CPU time per request, in microseconds (all of a cluster's nodes together): the cost of
   * one request, which holds still better than throughput when other processes share the machine.
   */
  readonly serverCpuMicrosPerRequest: number | undefined;
  /** The most cores other processes used during any of this row's runs. */
  readonly otherCoresMax: number | undefined;
}

/** Medians over rounds of per-round ratios: this system's figure divided by the other's. */
export interface Ratios {
  /** req/s (> 1 serves more). */
  readonly throughput: number | undefined;
  /** p99 latency (> 1 is slower). */
  readonly p99: number | undefined;
  /**
   * CPU per request (> 1 costs more). On a machine shared with other work, this holds still where
   * throughput swings with the CPU share the server happened to get.
   */
  readonly cpuPerRequest: number | undefined;
}

/** The systems a row's ratios are taken against, when measured: the yardsticks and its own reference. */
export function comparedWith(system: SystemId): SystemId[] {
  const candidates = [ETCD_REFERENCE, BARE_REFERENCE, RUNTIME_REFERENCE, SINGLE_NODE_REFERENCE, SYSTEMS[system].reference];
  return [...new Set(candidates.filter((other): other is SystemId => other !== undefined && other !== system))];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('the median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function summarise(measurements: readonly Measurement[], systems: readonly SystemId[], operations: readonly Operation[]): SummaryRow[] {
  const runOf = (system: SystemId, round: number, operation: Operation) =>
    measurements.find((entry) => entry.system === system && entry.operation === operation && entry.round === round);
  const rows: SummaryRow[] = [];
  for (const operation of operations) {
    for (const system of systems) {
      const runs = measurements.filter((entry) => entry.system === system && entry.operation === operation);
      if (runs.length === 0) continue;
      const rates = runs.map((entry) => entry.result.requestsPerSecond);
      rows.push({
        system,
        operation,
        reference: SYSTEMS[system].reference,
        rounds: runs.length,
        connections: Math.max(...runs.map((entry) => entry.result.connections)),
        requestsPerSecond: median(rates),
        requestsPerSecondMin: Math.min(...rates),
        requestsPerSecondMax: Math.max(...rates),
        p50Ms: median(runs.map((entry) => entry.result.p50Ms)),
        p99Ms: median(runs.map((entry) => entry.result.p99Ms)),
        against: Object.fromEntries(
          comparedWith(system).flatMap((other) => {
            const pairs = runs.flatMap((run) => {
              const otherRun = runOf(other, run.round, operation);
              return otherRun === undefined ? [] : [{ run, other: otherRun }];
            });
            return pairs.length === 0 ? [] : [[other, ratiosOf(pairs)]];
          }),
        ),
        non2xx: runs.reduce((sum, entry) => sum + entry.result.non2xx, 0),
        socketErrors: runs.reduce((sum, entry) => sum + entry.result.socketErrors, 0),
        ...cpuColumns(runs),
      });
    }
  }
  return rows;
}

function ratiosOf(pairs: readonly { run: Measurement; other: Measurement }[]): Ratios {
  const medianOrUndefined = (values: number[]) => (values.length === 0 ? undefined : median(values));
  return {
    throughput: medianOrUndefined(pairs.map((pair) => pair.run.result.requestsPerSecond / pair.other.result.requestsPerSecond)),
    p99: medianOrUndefined(pairs.map((pair) => pair.run.result.p99Ms / pair.other.result.p99Ms)),
    cpuPerRequest: medianOrUndefined(
      pairs.flatMap((pair) => {
        const own = cpuMicrosPerRequest(pair.run);
        const other = cpuMicrosPerRequest(pair.other);
        return own === undefined || other === undefined || other === 0 ? [] : [own / other];
      }),
    ),
  };
}

/** The system's CPU time over the measured window (all its processes) divided by the requests answered in it. */
export function cpuMicrosPerRequest(entry: Pick<Measurement, 'cpu' | 'result' | 'window'>): number | undefined {
  if (entry.cpu === undefined || entry.result.requests === 0) return undefined;
  const windowMicros = entry.window.endMicros - entry.window.startMicros;
  return (entry.cpu.serverCores * windowMicros) / entry.result.requests;
}

function cpuColumns(runs: readonly Measurement[]): Pick<SummaryRow, 'serverCores' | 'serverCpuMicrosPerRequest' | 'otherCoresMax'> {
  const measured = runs.flatMap((entry) => (entry.cpu === undefined ? [] : [{ cpu: entry.cpu, perRequest: cpuMicrosPerRequest(entry) ?? 0 }]));
  if (measured.length === 0) return { serverCores: undefined, serverCpuMicrosPerRequest: undefined, otherCoresMax: undefined };
  return {
    serverCores: median(measured.map(({ cpu }) => cpu.serverCores)),
    serverCpuMicrosPerRequest: median(measured.map(({ perRequest }) => perRequest)),
    otherCoresMax: Math.max(...measured.map(({ cpu }) => cpu.otherCores)),
  };
}
