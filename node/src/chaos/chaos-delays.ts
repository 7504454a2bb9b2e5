// The slow links of a --chaos node (docs/chaos.md, "delay"): for each peer named, how long every
// message this node sends it is held before it leaves, and until when. The transport asks holdMsFor()
// per message; a jitter draws a different hold for each message, yet the transport keeps them in
// order, as a TCP stream over a jittery link delivers in order. Times here are real time.

import type { TimerHandle, Timers } from '../clock';
import type { ChaosDelayedPeer, ChaosPeer } from './chaos-types';

/** How a delay holds each message: `delayMs`, plus a uniform draw of 0..`jitterMs` more. */
export interface DelayShape {
  readonly delayMs: number;
  readonly jitterMs: number;
}

interface DelayEntry extends ChaosDelayedPeer {
  readonly timer: TimerHandle | undefined;
}

export interface ChaosDelaysOptions {
  readonly timers: Timers;
  readonly nowMs: () => number;
  /** Jitter's draws, in [0, 1). */
  readonly random?: () => number;
  /** A delay ran its duration out: these peers' links are fast again. */
  readonly expired: (peers: readonly ChaosPeer[]) => void;
}

export class ChaosDelays {
  readonly #options: ChaosDelaysOptions;
  readonly #random: () => number;
  readonly #entries = new Map<string, DelayEntry>();

  constructor(options: ChaosDelaysOptions) {
    this.#options = options;
    this.#random = options.random ?? Math.random;
  }

  /**
   * Delays messages to `peers` so from now on, replacing any delay they had; with `durationMs` it
   * lifts by itself that long from now. A `delayMs` of 0 lifts their delay instead.
   */
  set(peers: readonly ChaosPeer[], shape: DelayShape, durationMs: number | undefined): void {
    for (const peer of peers) {
      this.#clear(peer.nodeId);
      if (shape.delayMs === 0) continue;
      const untilMs = durationMs === undefined ? null : this.#options.nowMs() + durationMs;
      const timer = durationMs === undefined ? undefined : this.#options.timers.setTimeout(() => this.#expire(peer.nodeId), durationMs);
      this.#entries.set(peer.nodeId, { nodeId: peer.nodeId, name: peer.name, delayMs: shape.delayMs, jitterMs: shape.jitterMs, untilMs, timer });
    }
  }

  /** Lifts the delays of these peers (node ids), or of every peer without a list; returns the peers lifted. */
  lift(nodeIds: readonly string[] | undefined): ChaosPeer[] {
    const lifting = (nodeIds ?? [...this.#entries.keys()]).map((nodeId) => this.#entries.get(nodeId)).filter((entry) => entry !== undefined);
    for (const entry of lifting) this.#clear(entry.nodeId);
    return lifting.map(({ nodeId, name }) => ({ nodeId, name }));
  }

  /** How long to hold the next message to this peer, in ms: 0 when its link is not delayed. */
  holdMsFor(nodeId: string): number {
    const entry = this.#entries.get(nodeId);
    if (entry === undefined) return 0;
    return entry.jitterMs === 0 ? entry.delayMs : entry.delayMs + Math.floor(this.#random() * (entry.jitterMs + 1));
  }

  list(): ChaosDelayedPeer[] {
    return [...this.#entries.values()].map(({ nodeId, name, delayMs, jitterMs, untilMs }) => ({ nodeId, name, delayMs, jitterMs, untilMs }));
  }

  /** Stops every timer (the node is closing); the delays stay as they are. */
  close(): void {
    for (const entry of this.#entries.values()) this.#options.timers.clearTimeout(entry.timer);
  }

  #expire(nodeId: string): void {
    const entry = this.#entries.get(nodeId);
    if (entry === undefined) return;
    this.#entries.delete(nodeId);
    this.#options.expired([{ nodeId, name: entry.name }]);
  }

  #clear(nodeId: string): void {
    const entry = this.#entries.get(nodeId);
    if (entry === undefined) return;
    this.#options.timers.clearTimeout(entry.timer);
    this.#entries.delete(nodeId);
  }
}
