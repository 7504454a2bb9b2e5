// The benchmark's flags, with their defaults and bounds: `npm run bench -- --seconds 5 --rounds 3`.

import { parseArgs } from 'node:util';
import { defaultPinning, type Pinning } from './pinning';
import { resolve } from 'node:path';
import { SWARMKV_CLI_PATH } from './swarmkv-args';
import { CANDIDATE_SYSTEM_IDS, DEFAULT_SYSTEM_IDS, SYSTEM_IDS, SYSTEMS, withReferences, type SystemId } from './systems';
import type { Operation } from './wrk';

const OPERATION_IDS: readonly Operation[] = ['put', 'get'];
/** What --systems names; the candidate systems come with --candidate instead. */
const LISTED_SYSTEM_IDS = SYSTEM_IDS.filter((id) => !CANDIDATE_SYSTEM_IDS.includes(id));

export interface BenchOptions {
  /** Length of one measured wrk run. */
  readonly seconds: number;
  /** Interleaved rounds; every figure reported is the median over them. */
  readonly rounds: number;
  /** One unmeasured run per system and operation before round 1, to warm the JIT and the page cache. */
  readonly warmupSeconds: number;
  readonly connections: number;
  readonly threads: number;
  /** Size of the key space the load is spread over. */
  readonly keys: number;
  readonly systems: readonly SystemId[];
  /** PUT, GET or both, measured in this order within each system's turn. */
  readonly operations: readonly Operation[];
  /** Which CPUs servers and wrk are confined to (bench/pinning.ts), or undefined to let them float. */
  readonly pinning: Pinning | undefined;
  /** When set, every server runs under `node --cpu-prof` and writes its profile here on exit. */
  readonly cpuProfileDir: string | undefined;
  /** The swarmkv build to measure: dist/swarmkv.mjs, or another (an experiment, another branch's build). */
  readonly swarmkvCliPath: string;
  /** Another build measured beside swarmkvCliPath's single nodes and clusters, in the same rounds. */
  readonly candidateCliPath: string | undefined;
  /** Shares of each curve system's measured maximum offered in the latency curve; empty skips it. */
  readonly curveFractions: readonly number[];
}

const SECONDS_MAX = 600;
const ROUNDS_MAX = 50;
const CONNECTIONS_MAX = 1024;
const THREADS_MAX = 64;
const KEYS_MAX = 1_000_000;
const DEFAULT_CURVE_FRACTIONS = '0.25,0.5,0.75';

export const USAGE = `usage: npm run bench -- [options]
  --seconds N      seconds per measured run (default 5)
  --rounds N       interleaved rounds; figures are medians over rounds (default 3)
  --warmup N       seconds of unmeasured load per system and operation first (default 1; 0 skips)
  --connections N  wrk connections (default 32)
  --threads N      wrk threads (default 2)
  --keys N         key space (default 10000)
  --no-pin         let the scheduler place servers and wrk (default: wrk pinned to the last CPU,
                   servers to the others, with taskset)
  --systems LIST   comma-separated subset of ${LISTED_SYSTEM_IDS.join(',')}
                   (default ${DEFAULT_SYSTEM_IDS.join(',')}; the baseline is always measured, and
                   the durable node (flush) with a cluster)
  --operations L   put, get or put,get (default put,get)
  --cpu-prof DIR   run every server under node --cpu-prof, profiles written to DIR
  --swarmkv-cli F  the swarmkv build to measure (default dist/swarmkv.mjs), e.g. another checkout's
  --candidate F    also measure build F's flush, memory, cluster-one and cluster-quorum (those of them in
                   --systems), each against the same system of --swarmkv-cli in the same rounds: an A/B test
  --curve LIST     shares of the measured maximum for the latency curve of cluster-quorum and etcd-3
                   (default ${DEFAULT_CURVE_FRACTIONS}; none skips the curve)`;

export function parseBenchOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      seconds: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '1' },
      connections: { type: 'string', default: '32' },
      threads: { type: 'string', default: '2' },
      keys: { type: 'string', default: '10000' },
      systems: { type: 'string', default: DEFAULT_SYSTEM_IDS.join(',') },
      curve: { type: 'string', default: DEFAULT_CURVE_FRACTIONS },
      operations: { type: 'string', default: OPERATION_IDS.join(',') },
      'no-pin': { type: 'boolean', default: false },
      'cpu-prof': { type: 'string' },
      'swarmkv-cli': { type: 'string', default: SWARMKV_CLI_PATH },
      candidate: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) throw new UsageError('');
  const threads = integer('--threads', values.threads, 1, THREADS_MAX);
  const connections = integer('--connections', values.connections, 1, CONNECTIONS_MAX);
  if (connections < threads) throw new UsageError('--connections must be at least --threads (wrk gives each thread its share)');
  return {
    seconds: integer('--seconds', values.seconds, 1, SECONDS_MAX),
    rounds: integer('--rounds', values.rounds, 1, ROUNDS_MAX),
    warmupSeconds: integer('--warmup', values.warmup, 0, SECONDS_MAX),
    connections,
    threads,
    keys: integer('--keys', values.keys, 1, KEYS_MAX),
    systems: systemList(values.systems, values.candidate !== undefined),
    operations: operationList(values.operations),
    pinning: values['no-pin'] ? undefined : defaultPinning(),
    cpuProfileDir: values['cpu-prof'],
    swarmkvCliPath: resolve(values['swarmkv-cli']),
    candidateCliPath: values.candidate === undefined ? undefined : resolve(values.candidate),
    curveFractions: fractionList(values.curve),
  };
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

function integer(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new UsageError(`${flag} must be an integer in ${min}..${max}, not ${JSON.stringify(text)}`);
  return value;
}

const listOf = (text: string) => text.split(',').map((part) => part.trim()).filter((part) => part.length > 0);

function systemList(text: string, withCandidate: boolean): SystemId[] {
  const ids = listOf(text);
  for (const id of ids) {
    if (!(LISTED_SYSTEM_IDS as readonly string[]).includes(id)) throw new UsageError(`--systems: unknown system ${JSON.stringify(id)}; known: ${LISTED_SYSTEM_IDS.join(', ')}`);
  }
  // A candidate system comes with --candidate, for each of its references the run measures.
  if (withCandidate) {
    const candidates = CANDIDATE_SYSTEM_IDS.filter((id) => ids.includes(SYSTEMS[id].reference!));
    if (candidates.length === 0) throw new UsageError('--candidate compares flush, memory, cluster-one and cluster-quorum: include one of them in --systems');
    ids.push(...candidates);
  }
  // The bare server is what every row is compared with, so it is always measured, and first in every
  // table; a cluster row's CPU per request divides by the durable node's, so that comes along with it.
  return withReferences(['baseline', ...(ids as SystemId[])]);
}

function fractionList(text: string): number[] {
  if (text === 'none') return [];
  const fractions = listOf(text).map(Number);
  if (fractions.length === 0 || fractions.some((fraction) => !(fraction > 0 && fraction < 1))) {
    throw new UsageError(`--curve: shares of the maximum between 0 and 1 (e.g. ${DEFAULT_CURVE_FRACTIONS}) or none, not ${JSON.stringify(text)}`);
  }
  return fractions;
}

function operationList(text: string): Operation[] {
  const ids = listOf(text);
  for (const id of ids) {
    if (!(OPERATION_IDS as readonly string[]).includes(id)) throw new UsageError(`--operations: unknown operation ${JSON.stringify(id)}; known: ${OPERATION_IDS.join(', ')}`);
  }
  if (ids.length === 0) throw new UsageError('--operations: name at least one of put, get');
  return OPERATION_IDS.filter((id) => ids.includes(id));
}
