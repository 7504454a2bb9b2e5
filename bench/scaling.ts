// `npm run bench:scaling`: the scaling curve (issue 10). For 3, 5, 10 and 20 nodes on this machine:
// time for membership to converge after start, failure detection time after a kill -9, peer bytes
// per node per second at idle (gossip), and memory per node; then the per-key memory of a node
// holding 1M keys, anti-entropy's digest index included (bench/scaling-memory.ts). Not a timed test:
// it prints figures, with the 1-minute load average beside each (the machine is shared).
//
// Everything runs inside a network namespace of its own (only loopback, so nothing can reach the
// public DHT), over a local DHT bootstrap. Needs root for `ip netns`; the namespace is deleted at the end.
//
//   npm run bench:scaling
//   npm run bench:scaling -- --sizes 3,5 --keys 100000 --idle-ms 20000

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { registerCleanup, runCleanupsSync } from './cleanup';
import { measureScalingPoint, NotConvergedError, type ScalingPoint } from './scaling-cluster';
import { measurePerKeyMemory, type PerKeyMemory } from './scaling-memory';

const CLI_PATH = resolve(import.meta.dir, '..', 'dist', 'swarmkv.mjs');
const INSIDE_NAMESPACE_ENV = 'SWARMKV_SCALING_NAMESPACE';
const SIZES_DEFAULT = '3,5,10,20';
const KEYS_DEFAULT = 1_000_000;
/** The gossip window: long enough to average SWIM's periodic traffic over many probe intervals. */
const IDLE_MS_DEFAULT = 30_000;

/** Outside the namespace: makes one, runs this script inside it, deletes it. */
function runInNamespace(): number {
  if (process.getuid?.() !== 0) {
    console.error('bench:scaling needs root, for `ip netns` (the nodes run in a namespace of their own, on loopback only)');
    return 2;
  }
  const namespace = `swarmkv-scaling-${process.pid}`;
  const run = (args: string[]) => spawnSync('ip', args, { stdio: 'inherit' });
  if (run(['netns', 'add', namespace]).status !== 0) return 1;
  const unregister = registerCleanup(() => spawnSync('ip', ['netns', 'del', namespace]));
  try {
    run(['netns', 'exec', namespace, 'ip', 'link', 'set', 'lo', 'up']);
    const child = spawnSync('ip', ['netns', 'exec', namespace, 'env', `${INSIDE_NAMESPACE_ENV}=${namespace}`, process.execPath, 'run', import.meta.path, ...process.argv.slice(2)], { stdio: 'inherit' });
    return child.status ?? 1;
  } finally {
    run(['netns', 'del', namespace]);
    unregister();
  }
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const load = () => loadavg()[0]!.toFixed(1);

function printPoint(point: ScalingPoint): void {
  const cells = [
    point.nodes,
    `${point.convergeFromSpawnMs} (${point.convergeAfterListeningMs})`,
    point.detectionMs,
    `${point.gossipSentBytesPerSecond.mean} / ${point.gossipSentBytesPerSecond.max}`,
    `${point.gossipReceivedBytesPerSecond.mean} / ${point.gossipReceivedBytesPerSecond.max}`,
    `${mib(point.rssBytes.mean)} / ${mib(point.rssBytes.max)}`,
    `${mib(point.anonBytes.mean)}`,
    `${mib(point.heapUsedBytes.mean)}`,
    `${point.loadAverage1m[0].toFixed(1)} -> ${point.loadAverage1m[1].toFixed(1)}`,
  ];
  console.log(`| ${cells.join(' | ')} |`);
}

function printMemory(memory: PerKeyMemory): void {
  const row = (label: string, node: PerKeyMemory['full']) =>
    console.log(`| ${label} | ${node.records} | ${node.leavesAdded} | ${mib(node.rssBytes)} | ${mib(node.anonBytes)} | ${mib(node.heapUsedBytes)} | ${mib(node.storeBytes)} | ${mib(node.dataFileBytes)} | ${node.indexMs} |`);
  console.log('| node | leaves summed | leaves written at start | RSS MiB | anon RSS MiB | V8 heap used MiB | records MiB | data.mdb MiB | index built in ms |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  row('empty', memory.empty);
  row(`${memory.keys} keys, first start`, memory.firstStart);
  row(`${memory.keys} keys, restart`, memory.full);
  console.log(`per key: RSS ${memory.perKey.rssBytes} B, anonymous RSS ${memory.perKey.anonBytes} B, V8 heap ${memory.perKey.heapUsedBytes} B (store filled in ${memory.fillMs} ms; load ${load()})`);
}

async function main(): Promise<number> {
  if (process.env[INSIDE_NAMESPACE_ENV] === undefined) return runInNamespace();
  const { values } = parseArgs({ options: { sizes: { type: 'string', default: SIZES_DEFAULT }, keys: { type: 'string', default: String(KEYS_DEFAULT) }, 'idle-ms': { type: 'string', default: String(IDLE_MS_DEFAULT) } } });
  const sizes = values.sizes.split(',').filter((size) => size !== '').map(Number);
  const keys = Number(values.keys);
  const idleWindowMs = Number(values['idle-ms']);
  const scratchDir = mkdtempSync(join(tmpdir(), 'swarmkv-scaling-'));
  const unregister = registerCleanup(() => rmSync(scratchDir, { recursive: true, force: true }));
  try {
    console.log(`scaling curve in namespace ${process.env[INSIDE_NAMESPACE_ENV]}, ${new Date().toISOString()}, load ${load()}; gossip window ${idleWindowMs} ms`);
    console.log('| nodes | converge ms from spawn (after last listened) | detection ms | peer bytes sent/s per node mean / max | received/s mean / max | RSS MiB mean / max | anon RSS MiB | V8 heap MiB | load 1m start -> end |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const size of sizes) {
      const loadBefore = load();
      try {
        printPoint(await measureScalingPoint(size, { cliPath: CLI_PATH, scratchDir, idleWindowMs }));
      } catch (error) {
        // One size that does not form is a figure too (with what each node saw); the others still run.
        if (!(error instanceof NotConvergedError)) throw error;
        console.log(`| ${size} | not converged (load ${loadBefore} -> ${load()}): ${error.message} |`);
      }
    }
    if (keys > 0) printMemory(await measurePerKeyMemory(CLI_PATH, scratchDir, keys));
    return 0;
  } finally {
    rmSync(scratchDir, { recursive: true, force: true });
    unregister();
  }
}

const onSignal = () => {
  runCleanupsSync();
  process.exit(130);
};
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    runCleanupsSync();
    process.exit(1);
  },
);
