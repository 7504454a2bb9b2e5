// A deterministic in-memory network for driving several membership state machines: one manual clock,
// seeded randomness for latency and loss, crashes, restarts and event-loop stalls. Test support only.

import type { MemberState } from './member';
import { membershipProfiles, type MembershipConfig } from './membership-config';
import type { MembershipEvent } from './membership-event';
import { initialMembershipState, type MembershipState } from './membership-state';
import { membershipStep, nextDeadlineMs } from './membership-step';
import type { MembershipMessage } from './messages';
import { seededRandom, type Random } from './random';

export const START_MS = 1_700_000_000_000;

export function simulatedNodeId(index: number): string {
  return (index + 1).toString(16).padStart(16, '0');
}

export interface Verdict {
  readonly atMs: number;
  readonly observer: string;
  readonly nodeId: string;
  readonly state: MemberState;
  readonly incarnation: number;
}

export interface SentMessage {
  readonly atMs: number;
  readonly from: string;
  readonly to: string;
  readonly message: MembershipMessage;
}

interface SimulatedNode {
  state: MembershipState;
  running: boolean;
  stalledUntilMs: number;
}

interface Delivery {
  readonly atMs: number;
  readonly order: number;
  readonly to: string;
  readonly event: MembershipEvent;
}

export interface NetworkOptions {
  readonly size: number;
  readonly seed: number;
  readonly config?: MembershipConfig;
  readonly lossRate?: number;
  readonly latencyMsMax?: number;
}

export class SimulatedNetwork {
  nowMs = START_MS;
  lossRate: number;
  readonly config: MembershipConfig;
  readonly nodes = new Map<string, SimulatedNode>();
  readonly verdicts: Verdict[] = [];
  readonly sent: SentMessage[] = [];
  readonly #random: Random;
  readonly #latencyMsMax: number;
  #deliveries: Delivery[] = [];
  #partition: [Set<string>, Set<string>] | undefined;
  #partitionReported = false;
  #order = 0;

  constructor(options: NetworkOptions) {
    this.config = options.config ?? membershipProfiles.lan;
    this.lossRate = options.lossRate ?? 0;
    this.#latencyMsMax = options.latencyMsMax ?? 5;
    this.#random = seededRandom(options.seed);
    for (let index = 0; index < options.size; index++) this.start(simulatedNodeId(index));
  }

  get ids(): string[] {
    return [...this.nodes.keys()];
  }

  /** Starts (or restarts) a node with a fresh state; the transport then connects it to every running peer. */
  start(nodeId: string): void {
    const state = initialMembershipState({
      self: { nodeId, name: `node-${nodeId.slice(-2)}`, httpAddress: `127.0.0.1:${7000 + parseInt(nodeId, 16)}` },
      config: this.config,
      incarnation: this.nowMs,
      seed: Math.floor(this.#random.next() * 2 ** 32),
      nowMs: this.nowMs,
    });
    this.nodes.set(nodeId, { state, running: true, stalledUntilMs: 0 });
    for (const [peer, node] of this.nodes) {
      if (peer === nodeId || !node.running) continue;
      this.#deliver(nodeId, { type: 'peerConnected', nodeId: peer }, this.#latency());
      this.#deliver(peer, { type: 'peerConnected', nodeId }, this.#latency());
    }
  }

  /** Kills a node. With `connectionsClose`, peers hear their connection drop; without, it just goes silent. */
  crash(nodeId: string, connectionsClose = false): void {
    this.nodes.get(nodeId)!.running = false;
    if (!connectionsClose) return;
    for (const [peer, node] of this.nodes) if (peer !== nodeId && node.running) this.#deliver(peer, { type: 'peerDisconnected', nodeId }, this.#latency());
  }

  /** Freezes a node's event loop: its timers and incoming messages wait until the stall ends. */
  stall(nodeId: string, durationMs: number): void {
    const node = this.nodes.get(nodeId)!;
    node.stalledUntilMs = Math.max(node.stalledUntilMs, this.nowMs + durationMs);
  }

  /**
   * Drops every message between the two groups until `heal()`. Connections stay up, as far as nodes
   * know, unless `connectionsReported`: then, as the chaos layer does, each side hears its connections
   * to the other drop now and come back at the heal.
   */
  partition(groupA: string[], groupB: string[], connectionsReported = false): void {
    this.#partition = [new Set(groupA), new Set(groupB)];
    this.#partitionReported = connectionsReported;
    if (connectionsReported) this.#reportAcross('peerDisconnected');
  }

  heal(): void {
    if (this.#partitionReported) this.#reportAcross('peerConnected');
    this.#partition = undefined;
  }

  #reportAcross(type: 'peerConnected' | 'peerDisconnected'): void {
    const [a, b] = this.#partition!;
    for (const from of a) {
      for (const to of b) {
        this.#deliver(from, { type, nodeId: to }, this.#latency());
        this.#deliver(to, { type, nodeId: from }, this.#latency());
      }
    }
  }

  #partitioned(from: string, to: string): boolean {
    const [a, b] = this.#partition ?? [new Set<string>(), new Set<string>()];
    return (a.has(from) && b.has(to)) || (b.has(from) && a.has(to));
  }

  inject(nodeId: string, event: MembershipEvent): void {
    this.#step(nodeId, event);
  }

  view(observer: string, nodeId: string): { state: MemberState; incarnation: number } | undefined {
    const member = this.nodes.get(observer)!.state.members.get(nodeId);
    return member && { state: member.state, incarnation: member.incarnation };
  }

  /** Runs the network until `untilMs`, calling `onStep` after every step (for stalls and the like). */
  runUntil(untilMs: number, onStep?: () => void): void {
    for (;;) {
      const delivery = this.#deliveries[0];
      const [tickNode, tickAtMs] = this.#nextTick();
      // A deadline already past is due now: time never runs backwards.
      const nextMs = Math.max(this.nowMs, Math.min(delivery?.atMs ?? Infinity, tickAtMs));
      if (nextMs > untilMs) break;
      this.nowMs = nextMs;
      // Messages before timers at the same instant, as the driver does after a stall (setImmediate).
      if (delivery && delivery.atMs <= nextMs) {
        this.#deliveries.shift();
        const node = this.nodes.get(delivery.to)!;
        if (!node.running) continue;
        if (node.stalledUntilMs > this.nowMs) this.#deliver(delivery.to, delivery.event, node.stalledUntilMs - this.nowMs);
        else this.#step(delivery.to, delivery.event);
      } else if (tickNode !== undefined) {
        this.#step(tickNode, { type: 'tick' });
      }
      onStep?.();
    }
    this.nowMs = untilMs;
  }

  runFor(durationMs: number, onStep?: () => void): void {
    this.runUntil(this.nowMs + durationMs, onStep);
  }

  #nextTick(): [string | undefined, number] {
    let best: [string | undefined, number] = [undefined, Infinity];
    for (const [nodeId, node] of this.nodes) {
      if (!node.running) continue;
      const atMs = Math.max(nextDeadlineMs(node.state), node.stalledUntilMs);
      if (atMs < best[1]) best = [nodeId, atMs];
    }
    return best;
  }

  #step(nodeId: string, event: MembershipEvent): void {
    const node = this.nodes.get(nodeId)!;
    const { state, effects } = membershipStep(node.state, event, this.nowMs);
    node.state = state;
    for (const effect of effects) {
      if (effect.type === 'memberChanged') {
        const { member } = effect;
        this.verdicts.push({ atMs: this.nowMs, observer: nodeId, nodeId: member.nodeId, state: member.state, incarnation: member.incarnation });
      } else if (effect.type === 'send') {
        this.sent.push({ atMs: this.nowMs, from: nodeId, to: effect.to, message: effect.message });
        if (this.#random.next() < this.lossRate || this.#partitioned(nodeId, effect.to)) continue;
        this.#deliver(effect.to, { type: 'message', from: nodeId, message: effect.message }, this.#latency());
      }
    }
  }

  #latency(): number {
    return 1 + Math.floor(this.#random.next() * this.#latencyMsMax);
  }

  #deliver(to: string, event: MembershipEvent, delayMs: number): void {
    const delivery = { atMs: this.nowMs + delayMs, order: this.#order++, to, event };
    // Keep deliveries sorted by time, then by the order they were sent in.
    let index = this.#deliveries.length;
    while (index > 0 && this.#deliveries[index - 1]!.atMs > delivery.atMs) index--;
    this.#deliveries.splice(index, 0, delivery);
  }
}
