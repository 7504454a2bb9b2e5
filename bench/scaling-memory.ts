// Per-key memory of a clustered node holding many keys (1M by default), anti-entropy's digest index
// included. Writing a million keys through the API takes ~17 minutes on this shared machine (~1,000
// PUT/s measured), so the data directory is filled directly with the node's own LMDB store (the
// same records a PUT writes: `k<i>`, a ~100-byte JSON value, one version), without digest leaves, as
// a data directory from before the on-disk digest index. A real node is then started on it twice:
// the first start writes every record's leaf once (the `repair.index_built` line says how many), the
// second is an ordinary restart (bucket digests summed from the leaves on disk). The same node on an
// empty data directory is the baseline; per key = (restart - empty) / keys, for RSS, anonymous RSS
// and V8 heap in use.

import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { LmdbStore } from '../node/src/storage/lmdb';
import { formatVersion } from '../node/src/version';
import { freeTcpPort, freeUdpPort } from './ports';
import { BenchProcess, scrapeMetric, type Memory } from './scaling-process';
import { BIND_HOST } from './systems';

/** Writes in flight while filling the store: lmdb-js commits them in batches. */
const FILL_IN_FLIGHT_MAX = 10_000;
const START_MS_MAX = 60_000;
const INDEX_MS_MAX = 600_000;
const REQUEST_TIMEOUT_MS = 10_000;
/** After the index is built, before reading memory: start-up garbage has a chance to be collected. */
const SETTLE_MS = 5_000;
const PAYLOAD = 'x'.repeat(80);

export interface NodeMemory extends Memory {
  readonly heapUsedBytes: number;
  readonly records: number;
  /** Leaves written at this start for records that had none. */
  readonly leavesAdded: number;
  readonly indexMs: number;
  readonly storeBytes: number;
  /** The whole LMDB file: records, digest leaves, hints, metadata. */
  readonly dataFileBytes: number;
}

export interface PerKeyMemory {
  readonly keys: number;
  readonly fillMs: number;
  readonly empty: NodeMemory;
  /** The first start on the filled directory: it writes every record's digest leaf. */
  readonly firstStart: NodeMemory;
  /** A restart on it: the steady state the per-key figures are taken from. */
  readonly full: NodeMemory;
  readonly perKey: { readonly rssBytes: number; readonly anonBytes: number; readonly heapUsedBytes: number };
}

async function fill(dataDir: string, keys: number): Promise<void> {
  const store = new LmdbStore(dataDir, 'flush');
  const version = formatVersion({ wallMs: Date.now(), logical: 0, nodeId: randomBytes(8).toString('hex') });
  const updatedAtMs = Date.now();
  let pending: Promise<unknown>[] = [];
  for (let index = 0; index < keys; index++) {
    const key = `k${index}`;
    pending.push(store.write(key, () => ({ key, valueJson: `{"id":${index},"payload":"${PAYLOAD}"}`, version, updatedAtMs })));
    if (pending.length >= FILL_IN_FLIGHT_MAX) {
      await Promise.all(pending);
      pending = [];
    }
  }
  await Promise.all(pending);
  await store.close();
}

/** A clustered node alone on its own DHT (so it keeps digests), on `dataDir`: its memory once indexed. */
async function nodeMemory(cliPath: string, dataDir: string): Promise<NodeMemory> {
  const [port, dhtPort] = [await freeTcpPort(), await freeUdpPort()];
  const args = [cliPath, 'node', '--name', 'memory', '--host', BIND_HOST, '--port', String(port), '--secret', randomBytes(16).toString('hex')];
  args.push('--dht-port', String(dhtPort), '--insecure', '--sync', 'flush', '--data-dir', dataDir);
  const node = new BenchProcess('memory', args);
  try {
    await node.waitForEvent('node.listening', START_MS_MAX);
    const indexed = await node.waitForEvent('repair.index_built', INDEX_MS_MAX);
    await Bun.sleep(SETTLE_MS);
    const url = `http://${BIND_HOST}:${port}`;
    const heapUsedBytes = (await scrapeMetric(url, 'swarmkv_process_nodejs_heap_size_used_bytes', REQUEST_TIMEOUT_MS)) ?? 0;
    const storeBytes = (await scrapeMetric(url, 'swarmkv_store_bytes', REQUEST_TIMEOUT_MS)) ?? 0;
    const memory = node.memory();
    const dataFileBytes = statSync(join(dataDir, 'data.mdb')).size;
    return { ...memory, heapUsedBytes, storeBytes, dataFileBytes, records: Number(indexed.event.records), leavesAdded: Number(indexed.event.leavesAdded ?? 0), indexMs: Number(indexed.event.ms) };
  } finally {
    await node.stop();
  }
}

export async function measurePerKeyMemory(cliPath: string, scratchDir: string, keys: number): Promise<PerKeyMemory> {
  const empty = await nodeMemory(cliPath, join(scratchDir, 'memory-empty'));
  const fullDir = join(scratchDir, 'memory-full');
  const fillStarted = performance.now();
  await fill(fullDir, keys);
  const fillMs = Math.round(performance.now() - fillStarted);
  const firstStart = await nodeMemory(cliPath, fullDir);
  const full = await nodeMemory(cliPath, fullDir);
  if (full.records !== keys) throw new Error(`the node indexed ${full.records} records, not ${keys}`);
  const perKey = (read: (memory: NodeMemory) => number) => Math.round(((read(full) - read(empty)) / keys) * 10) / 10;
  return { keys, fillMs, empty, firstStart, full, perKey: { rssBytes: perKey((memory) => memory.rssBytes), anonBytes: perKey((memory) => memory.anonBytes), heapUsedBytes: perKey((memory) => memory.heapUsedBytes) } };
}
