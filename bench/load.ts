// One load run against a system, by the load generator that speaks its protocol: wrk for the HTTP
// systems (swarmkv, the baseline, etcd's JSON gateway), redis-benchmark for Redis (RESP).

import { RedisBenchmark } from './redis-benchmark';
import type { Protocol } from './systems';
import { runWrk, type WrkResult, type WrkRun } from './wrk';

/** A wrk run's settings, for any protocol; redis-benchmark takes what it can use of them. */
export type LoadRun = Omit<WrkRun, 'protocol'> & { readonly protocol: Protocol };

export class LoadGenerator {
  readonly #redis = new RedisBenchmark();

  run(run: LoadRun): Promise<WrkResult> {
    if (run.protocol !== 'redis') return runWrk({ ...run, protocol: run.protocol });
    if (run.offeredRate !== undefined) throw new Error('redis-benchmark runs are not paced');
    return this.#redis.run(run);
  }
}
