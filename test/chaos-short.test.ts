// The short chaos run CI does (the long one is `npm run chaos`, see docs/testing.md "Fault injection"): five
// nodes under a seeded workload through one partition with clients on both sides, one kill -9 and
// restart, one SIGSTOP/SIGCONT, one clock skew and one one-way cut. It asserts the bars that must hold
// already: no acknowledged quorum write lost, no delete resurrected, every minority-side quorum request
// (on a side smaller than W, or without W of the key's home replicas) answered 503 within 2 s and none
// claiming success, and every key's replicas identical within 30 s of the last heal. Then 60 s with
// both cores loaded: no false dead verdict, and a kill -9 under that load is still detected.

import { describe, expect, test } from 'bun:test';
import { NAMESPACES_AVAILABLE } from './support/cluster';
import { formatBar } from './chaos/bars';
import { runChaos } from './chaos/chaos-run';
import { runLoadCheck } from './chaos/load-check';

const SEED = 20261201;
const CHAOS_TEST_MS = 6 * 60_000;
const LOAD_MS = 60_000;
const LOAD_TEST_MS = 4 * 60_000;
const log = (line: string) => console.log(`[chaos-short] ${line}`);

describe.skipIf(!NAMESPACES_AVAILABLE)('chaos, short', () => {
  test('faults under a workload: 0 lost acknowledged quorum writes, 0 resurrections, minorities answer 503 within 2 s and never succeed, replicas converge within 30 s', async () => {
    const report = await runChaos({
      nodes: 5, replicas: 3, keys: 500, clients: 10, opsMin: 2000, opsMax: 4000, opsPerSecond: 35, seed: SEED,
      schedule: 'short', faultsMs: 0, convergenceWatchMs: 35_000, convergenceEnforced: true, sloppyMinorityEnforced: true, log,
    });
    expect(report.failures.map(formatBar)).toEqual([]);
  }, CHAOS_TEST_MS);

  test(`both cores loaded for ${LOAD_MS / 1000} s: 0 false dead verdicts, and a kill -9 is still detected`, async () => {
    const report = await runLoadCheck({ nodes: 5, loadMs: LOAD_MS, seed: SEED, log });
    expect(report.failures.map(formatBar)).toEqual([]);
  }, LOAD_TEST_MS);
});
