// One load run against a system, by the load generator that speaks its protocol: wrk for the HTTP
// systems (swarmkv, the baseline, etcd's JSON gateway), redis-benchmark for Redis (RESP).

import { RedisBenchmark } from './redis-benchmark';
import type { Protocol } from './systems';
import { runWrk, type Operation, type WrkResult } from './wrk';

export interface LoadRun {
  readonly protocol: Protocol;
  readonly urls: readonly string[];
  readonly query: string;
  readonly operation: Operation;
  readonly keys: number;
  readonly seconds: number;
  readonly connections: number;
  readonly threads: number;
  readonly cpus: string | undefined;
  /** For a paced run (wrk only): requests per second offered in all. */
  readonly offeredRate?: number | undefined;
}

export class LoadGenerator {
  readonly #redis = new RedisBenchmark();

  run(run: LoadRun): Promise<WrkResult> {
    if (run.protocol !== 'redis') return runWrk({ ...run, protocol: run.protocol });
    if (run.offeredRate !== undefined) throw new Error('redis-benchmark runs are not paced');
    return this.#redis.run(run);
  }
}
