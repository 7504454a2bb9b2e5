// The latency curve: p50 and p99 at fixed offered rates below a system's measured maximum (25%, 50% and
// 75% of its median req/s in this run, by default), because a tail measured at saturation says how
// deep the queues got, not what a client sees in normal use. Each point is one paced wrk run (bench/kv.lua's
// delay()), after the rounds, with the system's CPU per request at that rate.

import { attempt, describeRun, measure } from './measure';
import type { RunState } from './run-state';
import { cpuMicrosPerRequest, type SummaryRow } from './summary';
import { SYSTEMS, type SystemId } from './systems';
import type { Operation } from './wrk';

/** The systems the issue asks a curve of (and the candidate's cluster, for an A/B of the tail). */
export const CURVE_SYSTEM_IDS: readonly SystemId[] = ['cluster-quorum', 'etcd-3', 'candidate-cluster-quorum'];

export interface CurvePoint {
  readonly system: SystemId;
  readonly operation: Operation;
  /** The share of the measured maximum offered. */
  readonly fraction: number;
  readonly offeredRate: number;
  /** What was served; below the offered rate when the system could not keep up. */
  readonly achievedRate: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly cpuMicrosPerRequest: number | undefined;
  readonly otherCores: number | undefined;
}

export async function measureLatencyCurve(state: RunState, summary: readonly SummaryRow[]): Promise<CurvePoint[]> {
  const { options } = state;
  const points: CurvePoint[] = [];
  for (const id of options.systems.filter((system) => CURVE_SYSTEM_IDS.includes(system))) {
    for (const operation of options.operations) {
      const maximum = summary.find((row) => row.system === id && row.operation === operation)?.requestsPerSecond;
      if (maximum === undefined) continue;
      for (const fraction of options.curveFractions) {
        if (!state.deployments.has(SYSTEMS[id].deployment)) continue;
        const offeredRate = Math.max(1, Math.round(maximum * fraction));
        await attempt(state, id, operation, async () => {
          const run = await measure(state, id, operation, options.seconds, offeredRate);
          state.progress(`curve ${operation.toUpperCase()} ${SYSTEMS[id].label} at ${Math.round(fraction * 100)}% (${offeredRate} req/s offered): ${describeRun(run.result, run.cpu, run.datagrams)}`);
          points.push({
            system: id,
            operation,
            fraction,
            offeredRate,
            achievedRate: run.result.requestsPerSecond,
            p50Ms: run.result.p50Ms,
            p99Ms: run.result.p99Ms,
            cpuMicrosPerRequest: cpuMicrosPerRequest(run),
            otherCores: run.cpu?.otherCores,
          });
        });
      }
    }
  }
  return points;
}
