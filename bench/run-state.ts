// What one benchmark run carries from start-up to report: its options, the deployments still running,
// the systems it could not measure and why, and its bounded budget of re-measurements.

import type { Deployment } from './deployment';
import type { LoadGenerator } from './load';
import type { MonotonicClock } from './monotonic-clock';
import type { BenchOptions } from './options';
import type { Unmeasured } from './summary';
import { SYSTEMS, type DeploymentId } from './systems';

export interface RunState {
  readonly options: BenchOptions;
  readonly deployments: Map<DeploymentId, Deployment>;
  readonly unmeasured: Unmeasured[];
  readonly progress: (line: string) => void;
  readonly clock: MonotonicClock;
  readonly load: LoadGenerator;
  /** Deployments dropped mid-run, still stopping: awaited before the scratch directory goes. */
  readonly retired: Promise<void>[];
  /** Every swarmkv cluster deployment started, kept after it stops for its nodes' exit times. */
  readonly clusters: Map<DeploymentId, { readonly exitAfterTermMs: (number | undefined)[] }>;
  retriesLeft: number;
}

/** Records why a deployment's rows are missing and stops it (it would only use CPU). */
export function dropDeployment(state: RunState, deploymentId: DeploymentId, reason: string): void {
  for (const id of state.options.systems) {
    if (SYSTEMS[id].deployment === deploymentId && !state.unmeasured.some((entry) => entry.system === id)) state.unmeasured.push({ system: id, reason });
  }
  state.progress(`${deploymentId}: not measured: ${reason}`);
  const deployment = state.deployments.get(deploymentId);
  state.deployments.delete(deploymentId);
  if (deployment !== undefined) state.retired.push(deployment.stop());
}
