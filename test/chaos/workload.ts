// Concurrent clients over a bounded key space: mixed PUT/DELETE/GET, mostly at quorum and some at one,
// each PUT with a value no other write uses (`${client}-${seq}`), each op recorded in the history as
// invoked, then ok, failed or timed-out. Client i always talks to node i mod N, so during a partition
// there are clients on both sides. The load is paced to a target rate and bounded by an op count and a
// duration, whichever comes first.

import type { ClusterNode, TestCluster } from '../support/cluster';
import { CLIENT_TIMEOUT_MS, drawOperation, History, UNREACHABLE_BACKOFF_MS } from '../../cli/src/checker';
import type { Random } from './random';

const CONSISTENCY_ONE_SHARE = 0.15;

export interface WorkloadOptions {
  readonly clients: number;
  readonly keys: number;
  readonly opsMax: number;
  readonly durationMsMax: number;
  /** All clients together start at most this many ops per second. */
  readonly opsPerSecond: number;
}

export function keyName(index: number): string {
  return `k${String(index).padStart(5, '0')}`;
}

export class Workload {
  readonly history = new History();
  readonly #cluster: TestCluster;
  readonly #options: WorkloadOptions;
  readonly #random: Random;
  #running = false;
  #started = 0;
  #lanes: Promise<void>[] = [];

  constructor(cluster: TestCluster, options: WorkloadOptions, random: Random) {
    this.#cluster = cluster;
    this.#options = options;
    this.#random = random;
  }

  start(): void {
    this.#running = true;
    const startedAt = performance.now();
    this.#lanes = Array.from({ length: this.#options.clients }, (_, index) => this.#client(`c${index}`, this.#cluster.nodes[index % this.#cluster.nodes.length]!, startedAt));
  }

  /** Stops starting ops and waits for those in flight (each bounded by CLIENT_TIMEOUT_MS). */
  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#lanes);
  }

  get done(): boolean {
    return this.#started >= this.#options.opsMax;
  }

  async #client(client: string, node: ClusterNode, startedAt: number): Promise<void> {
    const intervalMs = (1000 * this.#options.clients) / this.#options.opsPerSecond;
    for (let seq = 0; this.#running && this.#started < this.#options.opsMax && performance.now() - startedAt < this.#options.durationMsMax; seq++) {
      this.#started++;
      const opStarted = performance.now();
      const ok = await this.#operate(client, seq, node);
      const spentMs = performance.now() - opStarted;
      await Bun.sleep(Math.max(ok ? 0 : UNREACHABLE_BACKOFF_MS, intervalMs - spentMs));
    }
  }

  /** One op; resolves false when the node could not be reached at all. */
  async #operate(client: string, seq: number, node: ClusterNode): Promise<boolean> {
    const { keyIndex, kind, consistency } = drawOperation(this.#random, this.#options.keys, CONSISTENCY_ONE_SHARE);
    const key = keyName(keyIndex);
    const value = kind === 'put' ? `${client}-${seq}` : undefined;
    const op = this.history.invoke({ client, kind, key, consistency, coordinator: node.name, ...(value === undefined ? {} : { value }) });
    const path = `/kv/${encodeURIComponent(key)}?consistency=${consistency}`;
    try {
      const reply = await this.#cluster.request(node, kind === 'put' ? 'PUT' : kind === 'delete' ? 'DELETE' : 'GET', path, { timeoutMs: CLIENT_TIMEOUT_MS, ...(kind === 'put' ? { json: { value } } : {}) });
      const acknowledged = kind === 'put' ? reply.status === 200 : kind === 'delete' ? reply.status === 204 || reply.status === 404 : reply.status === 200 || reply.status === 404;
      const readValue = kind === 'get' && acknowledged ? (reply.status === 200 ? String(reply.body?.value) : null) : undefined;
      const answeredBy = reply.headers.get('x-swarmkv-replicas')?.split(',').filter((id) => id !== '') ?? [];
      this.history.complete(op, acknowledged ? 'ok' : 'failed', { status: reply.status, answeredBy, ...(readValue === undefined ? {} : { readValue }), ...(acknowledged ? {} : { error: reply.text.slice(0, 200) }) });
      return true;
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError';
      this.history.complete(op, timedOut ? 'timeout' : 'failed', { error: (error as Error).message.slice(0, 200) });
      return timedOut;
    }
  }
}
