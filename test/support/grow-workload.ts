// A continuous quorum workload for the elasticity suites: workers, each with a key space of its own,
// write new keys and overwrite earlier ones (quorum), and read back one of their acknowledged keys
// (quorum) after every write, through coordinators that change as nodes join. A worker is sequential,
// so the last value it had acknowledged for a key is the only right answer to its read. A 503 whose
// reason is `joining` (a node not yet routing by its owners' ring) is counted apart, not as a failure.

import type { ClusterNode, Reply, TestCluster } from './cluster';

/** Past the coordinator's quorum deadline (1.5 s), so a slow answer is measured, not cut. */
const WORKLOAD_TIMEOUT_MS = 4000;
/** A write in this many overwrites an earlier key instead of creating one. */
const OVERWRITE_EVERY = 3;
/** ~100-byte values, like the benchmark's. */
const PADDING = 'x'.repeat(80);

export interface WorkloadReport {
  readonly writes: number;
  readonly reads: number;
  readonly refusedJoining: number;
  readonly failures: string[];
  /** Every key's last acknowledged value (its sequence number). */
  readonly acknowledged: Map<string, number>;
}

export interface Workload {
  /** Coordinators to use from now on (nodes that joined are added here). */
  readonly coordinators: ClusterNode[];
  stop(): Promise<WorkloadReport>;
}

function refusedAsJoining(reply: Reply): boolean {
  const body = reply.body as { error?: string; reason?: string } | null;
  return reply.status === 503 && body?.error === 'unavailable' && body.reason === 'joining';
}

export function startWorkload(cluster: TestCluster, initial: readonly ClusterNode[], prefix: string, workers: number): Workload {
  const coordinators = [...initial];
  const acknowledged = new Map<string, number>();
  const failures: string[] = [];
  const counts = { writes: 0, reads: 0, refusedJoining: 0 };
  let running = true;
  const pick = (offset: number) => coordinators[offset % coordinators.length]!;
  const worker = async (id: number) => {
    const mine: string[] = [];
    for (let sequence = 0; running; sequence++) {
      const overwrite = mine.length > 0 && sequence % OVERWRITE_EVERY === 0;
      const key = overwrite ? mine[(sequence * 7919) % mine.length]! : `${prefix}:${id}:${sequence}`;
      const writer = pick(sequence + id);
      try {
        const put = await cluster.request(writer, 'PUT', `/kv/${encodeURIComponent(key)}?consistency=quorum`, { json: { value: { sequence, padding: PADDING } }, timeoutMs: WORKLOAD_TIMEOUT_MS });
        counts.writes++;
        if (put.status === 200) {
          acknowledged.set(key, sequence);
          if (!overwrite) mine.push(key);
        } else if (refusedAsJoining(put)) counts.refusedJoining++;
        else failures.push(`PUT ${key} via ${writer.name}: ${put.status} ${put.text}`);
        const earlier = mine[(sequence * 104_729) % Math.max(1, mine.length)];
        if (earlier === undefined) continue;
        const reader = pick(sequence + id + 1);
        const got = await cluster.get(reader, earlier, 'quorum', WORKLOAD_TIMEOUT_MS);
        counts.reads++;
        const value = (got.body as { value?: { sequence?: number } } | null)?.value?.sequence;
        if (refusedAsJoining(got)) counts.refusedJoining++;
        else if (got.status !== 200 || value !== acknowledged.get(earlier)) failures.push(`GET ${earlier} via ${reader.name}: ${got.status} ${value ?? got.text} (acknowledged ${acknowledged.get(earlier)})`);
      } catch (error) {
        failures.push(`${key} via ${writer.name}: ${(error as Error).message}`);
      }
    }
  };
  const loops = Promise.all(Array.from({ length: workers }, (_, id) => worker(id)));
  return {
    coordinators,
    async stop() {
      running = false;
      await loops;
      return { ...counts, failures, acknowledged };
    },
  };
}
