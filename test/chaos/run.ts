// The long chaos run (`npm run chaos -- --minutes 10 [--nodes 5] [--seed S] [--keys 10000]
// [--load-minutes 5] [--history FILE]`): random faults from a seeded schedule under a workload of at
// least 20,000 ops, then the bars after the last heal; then every core loaded with no fault, counting
// false dead verdicts. Every op and fault is written to --history (default: a file in the temp dir). Exits 1 if an enforced bar fails. scripts/chaos.sh builds first and runs this inside a
// network namespace of its own, like npm test.

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { NAMESPACES_AVAILABLE } from '../support/cluster';
import { formatBar } from './bars';
import { runChaos } from './chaos-run';
import { runLoadCheck } from './load-check';

/** The issue's bar: at least this many operations with random faults. */
const OPS_MIN = 20_000;
/** Enough for OPS_MIN in 3 minutes of faults, with room for the ops failed against killed nodes. */
const OPS_PER_SECOND = 130;
const OPS_MAX = 1_000_000;

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    nodes: { type: 'string', default: '5' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    keys: { type: 'string', default: '10000' },
    'load-minutes': { type: 'string', default: '5' },
    history: { type: 'string' },
  },
});
const minutes = Number(values.minutes);
const loadMinutes = Number(values['load-minutes']);
const nodes = Number(values.nodes);
const seed = Number(values.seed);
const keys = Number(values.keys);
if (![minutes, loadMinutes, nodes, seed, keys].every(Number.isFinite) || nodes < 3 || minutes <= 0) {
  console.error('usage: npm run chaos -- --minutes M [--nodes N>=3] [--seed S] [--keys K] [--load-minutes L]');
  process.exit(2);
}
if (!NAMESPACES_AVAILABLE) process.exit(2);

const log = (line: string) => console.log(`[chaos] ${new Date().toISOString().slice(11, 19)} ${line}`);
log(`npm run chaos -- --minutes ${minutes} --nodes ${nodes} --seed ${seed} --keys ${keys} --load-minutes ${loadMinutes}`);
const chaos = await runChaos({
  nodes, replicas: 3, keys, clients: 2 * nodes, opsMin: OPS_MIN, opsMax: OPS_MAX, opsPerSecond: OPS_PER_SECOND, seed,
  schedule: 'random', faultsMs: minutes * 60_000, convergenceWatchMs: 60_000, convergenceEnforced: true, sloppyMinorityEnforced: true, log,
  historyFile: values.history ?? join(tmpdir(), `swarmkv-chaos-${seed}.json`),
});
const load = loadMinutes > 0 ? await runLoadCheck({ nodes, loadMs: loadMinutes * 60_000, seed, log }) : { bars: [], failures: [] };
log('summary:');
for (const bar of [...chaos.bars, ...load.bars]) log(formatBar(bar));
const failures = [...chaos.failures, ...load.failures];
log(`${failures.length === 0 ? 'all enforced bars pass' : `${failures.length} enforced bars fail`} (seed ${seed})`);
process.exit(failures.length === 0 ? 0 : 1);
