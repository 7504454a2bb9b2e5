// Closed-loop quorum writers: each sends its next PUT as soon as the last is answered, round robin over
// the given nodes, over a fixed key space, until stopped. What the availability suites (a node killed,
// a slow disk) hold a cluster to: every write acknowledged. Each outcome is kept with its time, so a
// suite can tell the writes before a fault from those after it.

import type { ClusterNode, TestCluster } from './cluster';

/** Past the coordinator's quorum deadline (1.5 s): a slower answer is a failure, not a hang. */
const REQUEST_TIMEOUT_MS = 4000;

export interface WriteLoadOptions {
  readonly tag: string;
  readonly clients: number;
  readonly keys: number;
}

export interface WriteLoadReport {
  /** performance.now() of each acknowledged write's answer. */
  readonly acknowledgedAtMs: readonly number[];
  /** Each refused write: when it was answered, and what (status and body, or the request's error). */
  readonly refused: readonly { readonly atMs: number; readonly why: string }[];
}

export class WriteLoad {
  readonly #acknowledgedAtMs: number[] = [];
  readonly #refused: { atMs: number; why: string }[] = [];
  #running = true;
  readonly #clients: Promise<void[]>;

  constructor(cluster: TestCluster, through: readonly ClusterNode[], options: WriteLoadOptions) {
    const client = async (index: number) => {
      for (let sequence = 0; this.#running; sequence++) {
        // Two primes spread the clients over the key space without coordination.
        const key = `${options.tag}:${(index * 7919 + sequence * 104_729) % options.keys}`;
        const node = through[(index + sequence) % through.length]!;
        const reply = await cluster.put(node, key, { index, sequence }, 'quorum', REQUEST_TIMEOUT_MS).catch((error: unknown) => String(error));
        const atMs = performance.now();
        if (typeof reply !== 'string' && reply.status === 200) this.#acknowledgedAtMs.push(atMs);
        else this.#refused.push({ atMs, why: typeof reply === 'string' ? reply : `${reply.status} ${reply.text.slice(0, 200)}` });
      }
    };
    this.#clients = Promise.all(Array.from({ length: options.clients }, (_, index) => client(index)));
  }

  /** Stops the writers once their requests in flight are answered. */
  async stop(): Promise<WriteLoadReport> {
    this.#running = false;
    await this.#clients;
    return { acknowledgedAtMs: this.#acknowledgedAtMs, refused: this.#refused };
  }
}
