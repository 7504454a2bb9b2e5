// How fast each peer has lately answered this node's replica reads and writes: a moving average per
// peer, fed by every answer (and every timeout) of the coordinator's remote replicas. A read asks a
// replica that answers clearly slower than the fastest of the others last, as Cassandra's dynamic snitch
// does: with one member slow (an overloaded disk, a congested link, `swarmkv chaos delay`), a read
// that would have asked it first would wait the hedge delay (READ_HEDGE_DELAY_MS) for nothing. Only
// clear cases move: two replicas a few milliseconds apart keep their ring order, so reads stay spread
// the way placement spreads them. An average not fed for a while is forgotten: a peer no read asks any
// more (writes feed it too) is tried again in preference order, and measured afresh.

import { SLOW_REPLICA_FACTOR, SLOW_REPLICA_MS_MIN, REPLICA_LATENCY_STALE_MS } from '../limits';

/** Each answer moves a peer's average this far toward it: about the last ten answers count. */
const SMOOTHING = 0.2;

interface Average {
  ms: number;
  /** When it was last fed (monotonic ms). */
  atMs: number;
}

export class ReplicaLatencies {
  readonly #averages = new Map<string, Average>();
  readonly #nowMs: () => number;

  constructor(nowMs: () => number = () => performance.now()) {
    this.#nowMs = nowMs;
  }

  /** One answer from this peer, `tookMs` after the request left (a timeout counts with its full wait). */
  record(nodeId: string, tookMs: number): void {
    const nowMs = this.#nowMs();
    const average = this.#averages.get(nodeId);
    if (average === undefined || nowMs - average.atMs > REPLICA_LATENCY_STALE_MS) this.#averages.set(nodeId, { ms: tookMs, atMs: nowMs });
    else {
      average.ms += SMOOTHING * (tookMs - average.ms);
      average.atMs = nowMs;
    }
  }

  /** The peer's recent average answer time, in ms; undefined when it has none recent. */
  averageMs(nodeId: string, nowMs = this.#nowMs()): number | undefined {
    const average = this.#averages.get(nodeId);
    return average === undefined || nowMs - average.atMs > REPLICA_LATENCY_STALE_MS ? undefined : average.ms;
  }

  /**
   * Whether `nodeId` answers clearly slower than the fastest of `peers` (itself excluded): at least
   * SLOW_REPLICA_MS_MIN on average and SLOW_REPLICA_FACTOR times that fastest one's.
   */
  slowAmong(nodeId: string, peers: readonly { readonly nodeId: string }[]): boolean {
    const average = this.#averages.get(nodeId);
    // Most reads stop here: no replica is anywhere near slow, and no clock is read.
    if (average === undefined || average.ms < SLOW_REPLICA_MS_MIN) return false;
    const nowMs = this.#nowMs();
    if (nowMs - average.atMs > REPLICA_LATENCY_STALE_MS) return false;
    for (const peer of peers) {
      if (peer.nodeId === nodeId) continue;
      const peerMs = this.averageMs(peer.nodeId, nowMs);
      if (peerMs !== undefined && average.ms >= SLOW_REPLICA_FACTOR * peerMs) return true;
    }
    return false;
  }

  /** Forgets a peer that is gone for good. */
  forget(nodeId: string): void {
    this.#averages.delete(nodeId);
  }
}
