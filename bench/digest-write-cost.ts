// `bun run bench/digest-write-cost.ts`: what keeping anti-entropy's digests costs a durable clustered
// node's writes, at the store, A/B in one process (interleaved rounds, fresh data directories):
//   A (before): LmdbStore + the in-heap digest index updated after each write (DigestTrackingStore);
//   B (now):    LmdbStore keeping each record's slot in its position index in the same transaction,
//               the bucket summaries updated in memory (StoredDigestIndex);
//   plain:      LmdbStore keeping no digests (an unclustered node), for scale.
// Each round writes `--keys` new keys and then overwrites them, `--in-flight` writes at a time, with
// the durable default (`--sync flush`). It prints CPU µs per write (this process, all threads: the
// figure that survives a shared machine) and writes/s (wall clock: only a ratio within one run means
// anything there), medians over rounds, with the load average.

import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DigestIndex, DigestTrackingStore, leafHasher, StoredDigestIndex } from '../node/src/replication';
import type { KvStore } from '../node/src/storage';
import { LmdbStore } from '../node/src/storage/lmdb';
import { formatVersion } from '../node/src/version';
import { median } from './summary';

type Variant = 'A: heap index' | 'B: position index' | 'plain: no digests';
const VARIANTS: readonly Variant[] = ['A: heap index', 'B: position index', 'plain: no digests'];
const PAYLOAD = 'x'.repeat(80);

interface Sample {
  readonly cpuMicrosPerWrite: number;
  readonly writesPerSecond: number;
  /** CPU µs per write of each phase alone: creating the keys, then overwriting them. */
  readonly createMicros: number;
  readonly overwriteMicros: number;
}

async function open(variant: Variant, dir: string): Promise<{ store: KvStore; close: () => Promise<void> }> {
  if (variant === 'plain: no digests') {
    const store = new LmdbStore(dir, 'flush');
    return { store, close: () => store.close() };
  }
  if (variant === 'A: heap index') {
    const lmdb = new LmdbStore(dir, 'flush');
    return { store: new DigestTrackingStore(lmdb, new DigestIndex()), close: () => lmdb.close() };
  }
  const lmdb = new LmdbStore(dir, 'flush', leafHasher);
  const index = new StoredDigestIndex(lmdb.positions!);
  await index.build((afterKey, limit) => lmdb.scan({ limit, includeTombstones: true, ...(afterKey === undefined ? {} : { afterKey }) }));
  return { store: lmdb, close: () => lmdb.close() };
}

async function writeAll(store: KvStore, keys: number, inFlight: number, wallMs: number): Promise<void> {
  const version = formatVersion({ wallMs, logical: 0, nodeId: 'aaaaaaaaaaaaaaaa' });
  let next = 0;
  const worker = async () => {
    while (next < keys) {
      const index = next++;
      // Keys in no particular order, as clients send them (an odd multiplier is a bijection mod 2^32).
      const key = `k${(Math.imul(index, 2_654_435_761) >>> 0).toString(36)}`;
      await store.write(key, () => ({ key, valueJson: `{"id":${index},"payload":"${PAYLOAD}"}`, version, updatedAtMs: wallMs }));
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

async function measure(variant: Variant, keys: number, inFlight: number): Promise<Sample> {
  const dir = mkdtempSync(join(tmpdir(), 'swarmkv-digest-cost-'));
  try {
    const { store, close } = await open(variant, dir);
    const cpu = process.cpuUsage();
    const started = performance.now();
    await writeAll(store, keys, inFlight, 1_000);
    const created = process.cpuUsage(cpu);
    await writeAll(store, keys, inFlight, 2_000);
    const elapsedMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    await close();
    const micros = (usage: NodeJS.CpuUsage) => usage.user + usage.system;
    return {
      cpuMicrosPerWrite: micros(used) / (2 * keys),
      writesPerSecond: (2 * keys) / (elapsedMs / 1000),
      createMicros: micros(created) / keys,
      overwriteMicros: (micros(used) - micros(created)) / keys,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const { values } = parseArgs({ options: { keys: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '5' }, 'in-flight': { type: 'string', default: '32' } } });
const keys = Number(values.keys);
const rounds = Number(values.rounds);
const inFlight = Number(values['in-flight']);
const samples = new Map<Variant, Sample[]>(VARIANTS.map((variant) => [variant, []]));
console.log(`digest write cost: ${keys} new keys then ${keys} overwrites per round, ${inFlight} in flight, --sync flush, ${rounds} rounds; load ${loadavg()[0]!.toFixed(1)}`);
for (let round = 0; round < rounds; round++) {
  for (const variant of VARIANTS) samples.get(variant)!.push(await measure(variant, keys, inFlight));
}
console.log('| store | CPU µs/write | creating | overwriting | writes/s | CPU ÷ A | writes/s ÷ A | overwriting ÷ plain (per round, median) |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
const of = (variant: Variant, field: keyof Sample) => median(samples.get(variant)!.map((sample) => sample[field]));
// The same round's plain store is the baseline a noisy machine leaves comparable between runs.
const overwriteRatio = (variant: Variant) => median(samples.get(variant)!.map((sample, round) => sample.overwriteMicros / samples.get('plain: no digests')![round]!.overwriteMicros));
for (const variant of VARIANTS) {
  const cpu = of(variant, 'cpuMicrosPerWrite');
  const rate = of(variant, 'writesPerSecond');
  console.log(`| ${variant} | ${cpu.toFixed(1)} | ${of(variant, 'createMicros').toFixed(1)} | ${of(variant, 'overwriteMicros').toFixed(1)} | ${Math.round(rate)} | ${(cpu / of('A: heap index', 'cpuMicrosPerWrite')).toFixed(2)}× | ${(rate / of('A: heap index', 'writesPerSecond')).toFixed(2)}× | ${overwriteRatio(variant).toFixed(2)}× |`);
}
console.log(`load at the end ${loadavg()[0]!.toFixed(1)}`);
