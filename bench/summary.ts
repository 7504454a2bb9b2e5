// From the rounds' raw wrk results to the figures reported: medians over rounds, and ratios to each
// system's reference (the baseline for a single node, the durable single node for the cluster). A ratio
// is taken within each round (a system's run against its reference's run of the same round, a minute or
// two apart at most) and the median of those is reported, so that the machine's drift over the whole
// run cancels out instead of landing on whichever system was measured in a slow minute.

import type { CpuUsage } from './cpu-usage';
import { SYSTEMS, type SystemId } from './systems';
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
}

/** A system the run meant to measure but could not, and why (a cluster that never formed, say). */
export interface Unmeasured {
  readonly system: SystemId;
  readonly reason: string;
}

export interface SummaryRow {
  readonly system: SystemId;
  readonly operation: Operation;
  /** What the ratios divide by; undefined for the baseline. */
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
  /** Median over rounds of this system's req/s divided by its reference's in the same round. */
  readonly throughputRatio: number | undefined;
  /** Median over rounds of this system's p99 divided by its reference's in the same round (> 1 is slower). */
  readonly p99Ratio: number | undefined;
  /**
   * Median over rounds of this system's server CPU per request divided by its reference's (> 1 costs
   * more). On a machine shared with other work, this holds still where throughput swings with the CPU
   * share the server happened to get.
   */
  readonly cpuPerRequestRatio: number | undefined;
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

export interface Aim {
  readonly name: string;
  readonly system: SystemId;
  readonly operation: Operation;
  /** The least throughput ratio to the baseline that meets the aim. */
  readonly ratioMin: number;
}

export interface AimOutcome extends Aim {
  readonly ratio: number | undefined;
  readonly met: boolean;
}

/** The aims, all against the baseline (the reference of the flush node). */
export const AIMS: readonly Aim[] = [
  { name: 'GET >= 70% of baseline (durable node)', system: 'flush', operation: 'get', ratioMin: 0.7 },
  { name: 'durable PUT >= 50% of baseline', system: 'flush', operation: 'put', ratioMin: 0.5 },
];

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('the median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function summarise(measurements: readonly Measurement[], systems: readonly SystemId[], operations: readonly Operation[]): SummaryRow[] {
  const runOf = (system: SystemId, round: number, operation: Operation) =>
    measurements.find((entry) => entry.system === system && entry.operation === operation && entry.round === round);
  const medianOrUndefined = (values: number[]) => (values.length === 0 ? undefined : median(values));
  const rows: SummaryRow[] = [];
  for (const operation of operations) {
    for (const system of systems) {
      const runs = measurements.filter((entry) => entry.system === system && entry.operation === operation);
      if (runs.length === 0) continue;
      const rates = runs.map((entry) => entry.result.requestsPerSecond);
      const reference = SYSTEMS[system].reference;
      const paired = runs.flatMap((entry) => {
        const referenceRun = reference === undefined ? undefined : runOf(reference, entry.round, operation);
        return referenceRun === undefined ? [] : [{ run: entry, reference: referenceRun }];
      });
      rows.push({
        system,
        operation,
        reference,
        rounds: runs.length,
        connections: Math.max(...runs.map((entry) => entry.result.connections)),
        requestsPerSecond: median(rates),
        requestsPerSecondMin: Math.min(...rates),
        requestsPerSecondMax: Math.max(...rates),
        p50Ms: median(runs.map((entry) => entry.result.p50Ms)),
        p99Ms: median(runs.map((entry) => entry.result.p99Ms)),
        throughputRatio: medianOrUndefined(paired.map((pair) => pair.run.result.requestsPerSecond / pair.reference.result.requestsPerSecond)),
        p99Ratio: medianOrUndefined(paired.map((pair) => pair.run.result.p99Ms / pair.reference.result.p99Ms)),
        cpuPerRequestRatio: medianOrUndefined(
          paired.flatMap((pair) => {
            const own = cpuMicrosPerRequest(pair.run);
            const reference = cpuMicrosPerRequest(pair.reference);
            return own === undefined || reference === undefined || reference === 0 ? [] : [own / reference];
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

function cpuMicrosPerRequest(entry: Measurement): number | undefined {
  return entry.cpu === undefined || entry.result.requestsPerSecond === 0 ? undefined : (entry.cpu.serverCores * 1e6) / entry.result.requestsPerSecond;
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

export function judgeAims(rows: readonly SummaryRow[]): AimOutcome[] {
  return AIMS.map((aim) => {
    const ratio = rows.find((row) => row.system === aim.system && row.operation === aim.operation)?.throughputRatio;
    return { ...aim, ratio, met: ratio !== undefined && ratio >= aim.ratioMin };
  });
}
