// A fake network for MemoryTransports, for testing membership and replication in milliseconds. Every
// pair of started, reachable nodes is connected (the fake's stand-in for DHT discovery), and the test can:
//   - partition(a, b): cut both ways between two groups; their connections close, as a real partition
//     ends once keep-alives time out, and stay closed until heal();
//   - cut(from, to): lose every message one way on live connections (a one-way failure);
//   - drop a fraction of messages (a seeded random, so a test's losses repeat) and delay the rest;
//   - crash(id) and restart(id) a node: it vanishes, then comes back under a new key.
// Delays keep each connection's order, as a stream does. Timers are real; delays default to 0.

import { assert } from '../assert';
import { MemoryPipe, type PipeCarrier, type PipeEndpoint } from './memory-pipe';
import type { PeerLink } from './peer-link';
import { PEER_SEND_QUEUE_BYTES_MAX } from './send-budget';
import { SeededRandom } from '../seeded-random';

const HANDSHAKE_HASH_BYTES = 32;
const PUBLIC_KEY_BYTES = 32;

/** What the network needs of a transport attached to it. */
export interface MemoryEndpoint extends PipeEndpoint {
  /** A new key, as a restarted process gets. */
  rekey(publicKey: Uint8Array): void;
  acceptLink(link: PeerLink): void;
  /** The node crashed: its links are gone and its own handlers see every peer go down. */
  crashed(): void;
  restarted(): void;
}

export interface MemoryNetworkOptions {
  /** Seeds drops, delays' jitter, keys and handshake hashes. */
  readonly seed?: number;
  readonly dropProbability?: number;
  readonly delayMs?: number;
  /** Extra delay drawn uniformly from [0, jitterMs) per message; order is kept regardless. */
  readonly jitterMs?: number;
  readonly sendQueueBytesMax?: number;
}

export interface MemoryNetworkStats {
  framesDropped: number;
  framesCut: number;
  pipesOpened: number;
}

export class MemoryNetwork implements PipeCarrier {
  readonly stats: MemoryNetworkStats = { framesDropped: 0, framesCut: 0, pipesOpened: 0 };
  readonly #random: SeededRandom;
  readonly #sendQueueBytesMax: number;
  readonly #live = new Set<MemoryEndpoint>();
  readonly #crashed = new Set<MemoryEndpoint>();
  readonly #pipes = new Set<MemoryPipe>();
  /** Directed cuts, `from>to` by node id. */
  readonly #cuts = new Set<string>();
  #dropProbability = 0;
  #delayMs = 0;
  #jitterMs = 0;

  constructor(options: MemoryNetworkOptions = {}) {
    this.#random = new SeededRandom(options.seed ?? 1);
    this.#sendQueueBytesMax = options.sendQueueBytesMax ?? PEER_SEND_QUEUE_BYTES_MAX;
    this.setDropProbability(options.dropProbability ?? 0);
    this.setDelay(options.delayMs ?? 0, options.jitterMs ?? 0);
  }

  setDropProbability(probability: number): void {
    assert(probability >= 0 && probability <= 1, 'a drop probability is within 0..1');
    this.#dropProbability = probability;
  }

  setDelay(delayMs: number, jitterMs = 0): void {
    assert(delayMs >= 0 && jitterMs >= 0, 'delays are not negative');
    this.#delayMs = delayMs;
    this.#jitterMs = jitterMs;
  }

  partition(groupA: readonly string[], groupB: readonly string[]): void {
    for (const a of groupA) {
      for (const b of groupB) {
        this.#cuts.add(`${a}>${b}`);
        this.#cuts.add(`${b}>${a}`);
      }
    }
    for (const pipe of [...this.#pipes]) {
      const [first, second] = pipe.endpoints;
      if (!this.#reachable(first.nodeId, second.nodeId)) pipe.close();
    }
  }

  /** Loses every message from `fromNodeId` to `toNodeId`; open connections stay open. */
  cut(fromNodeId: string, toNodeId: string): void {
    this.#cuts.add(`${fromNodeId}>${toNodeId}`);
  }

  /** Removes every cut and partition; separated nodes connect again. */
  heal(): void {
    this.#cuts.clear();
    this.#connectAll();
  }

  crash(nodeId: string): void {
    for (const endpoint of [...this.#live].filter((candidate) => candidate.nodeId === nodeId)) {
      this.#live.delete(endpoint);
      this.#crashed.add(endpoint);
      this.#closePipesOf(endpoint);
      endpoint.crashed();
    }
  }

  restart(nodeId: string): void {
    for (const endpoint of [...this.#crashed].filter((candidate) => candidate.nodeId === nodeId)) {
      this.#crashed.delete(endpoint);
      endpoint.rekey(this.#random.bytes(PUBLIC_KEY_BYTES));
      endpoint.restarted();
      this.#live.add(endpoint);
    }
    this.#connectAll();
  }

  isCrashed(nodeId: string): boolean {
    return [...this.#crashed].some((endpoint) => endpoint.nodeId === nodeId);
  }

  /** For MemoryTransport.start(). */
  attach(endpoint: MemoryEndpoint): void {
    endpoint.rekey(this.#random.bytes(PUBLIC_KEY_BYTES));
    this.#live.add(endpoint);
    this.#connectAll();
  }

  /** For MemoryTransport.close(). */
  detach(endpoint: MemoryEndpoint): void {
    this.#live.delete(endpoint);
    this.#crashed.delete(endpoint);
    this.#closePipesOf(endpoint);
  }

  route(fromNodeId: string, toNodeId: string, kind: 'hello' | 'frame'): number | undefined {
    if (this.#cuts.has(`${fromNodeId}>${toNodeId}`)) {
      this.stats.framesCut++;
      return undefined;
    }
    if (kind === 'frame' && this.#dropProbability > 0 && this.#random.next() < this.#dropProbability) {
      this.stats.framesDropped++;
      return undefined;
    }
    return this.#delayMs + (this.#jitterMs > 0 ? this.#random.next() * this.#jitterMs : 0);
  }

  arrives(fromNodeId: string, toNodeId: string): boolean {
    if (!this.#cuts.has(`${fromNodeId}>${toNodeId}`)) return true;
    this.stats.framesCut++;
    return false;
  }

  pipeClosed(pipe: MemoryPipe): void {
    this.#pipes.delete(pipe);
  }

  #reachable(a: string, b: string): boolean {
    return !this.#cuts.has(`${a}>${b}`) && !this.#cuts.has(`${b}>${a}`);
  }

  #closePipesOf(endpoint: MemoryEndpoint): void {
    for (const pipe of [...this.#pipes]) if (pipe.touches(endpoint)) pipe.close();
  }

  /** Connects every live pair that can reach each other both ways and has no connection yet. */
  #connectAll(): void {
    const live = [...this.#live];
    for (const [index, first] of live.entries()) {
      for (const second of live.slice(index + 1)) {
        if (!this.#reachable(first.nodeId, second.nodeId)) continue;
        if ([...this.#pipes].some((pipe) => pipe.connects(first, second))) continue;
        const pipe = new MemoryPipe(this, first, second, this.#random.bytes(HANDSHAKE_HASH_BYTES), this.#sendQueueBytesMax);
        this.#pipes.add(pipe);
        this.stats.pipesOpened++;
        first.acceptLink(pipe.ends[0]);
        second.acceptLink(pipe.ends[1]);
      }
    }
  }
}
