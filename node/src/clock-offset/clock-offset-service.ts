// Reads every connected peer's clock once a CLOCK_PROBE_INTERVAL_MS (and a peer's at once when it
// connects), and answers peers' reads of ours. The readings go to the ClockOffsetMonitor, which turns them
// into offsets and the write guard's verdict. Until the first reading it can hold writes (firstReading).

import { systemTimers, type Clock, type TimerHandle, type Timers } from '../clock';
import type { PeerMessage } from '../transport';
import { clockProbe, clockReading, CLOCK_MS_MAX, type ClockProbeMessage, type ClockReadingMessage } from './clock-offset-messages';
import { CLOCK_FIRST_READING_WAIT_MS, CLOCK_PROBE_INTERVAL_MS, CLOCK_PROBE_TIMEOUT_MS } from './clock-offset-limits';
import type { ClockOffsetMonitor } from './clock-offset-monitor';

/** The part of the transport's Rpc this needs: the real one fits it as is. */
export interface ClockRpc {
  serve(type: string, handler: (fromNodeId: string, body: PeerMessage) => PeerMessage): void;
  request(toNodeId: string, body: PeerMessage, options: { readonly timeoutMs?: number }): Promise<PeerMessage>;
}

/** Answers peers' clockProbe requests with this node's wall clock: the clock its versions are made from. */
export function serveClockProbes(rpc: ClockRpc, clock: Clock): void {
  rpc.serve(clockProbe.type, (): ClockReadingMessage => ({ type: 'clockReading', clockMs: Math.min(CLOCK_MS_MAX, Math.max(0, Math.round(clock.nowMs()))) }));
}

export interface ClockOffsetServiceDeps {
  readonly rpc: ClockRpc;
  /** Takes the readings, on its own clocks. */
  readonly monitor: ClockOffsetMonitor;
  /** The members to read now: up and connected, this node excluded. */
  readonly peers: () => Iterable<string>;
  /**
   * Whether writes should wait for the first reading: set when the bound is on and the node expects peers
   * (it remembers its ring's members, or knows some alive); a founder alone has nobody to read.
   */
  readonly holdWritesUntilRead?: () => boolean;
  readonly timers?: Timers;
}

export class ClockOffsetService {
  readonly #deps: ClockOffsetServiceDeps;
  readonly #timers: Timers;
  /** Peers with a probe in flight: at most one each, so a slow peer never piles them up. */
  readonly #probing = new Set<string>();
  #timer: TimerHandle | undefined;
  #running = false;
  /** Settled by the first reading, CLOCK_FIRST_READING_WAIT_MS after construction, or close. */
  readonly #firstReading: Promise<void>;
  #settleFirstReading: () => void = () => {};
  #firstReadingSettled = false;
  readonly #firstReadingTimer: TimerHandle;

  /** Made when the node starts routing writes: the first-reading wait counts from here. */
  constructor(deps: ClockOffsetServiceDeps) {
    this.#deps = deps;
    this.#timers = deps.timers ?? systemTimers;
    this.#firstReading = new Promise((resolve) => {
      this.#settleFirstReading = () => {
        this.#firstReadingSettled = true;
        resolve();
      };
    });
    this.#firstReadingTimer = this.#timers.setTimeout(() => this.#endFirstReadingWait(), CLOCK_FIRST_READING_WAIT_MS);
  }

  /**
   * What a write waits for before it is versioned: the first reading of a peer's clock, while none has
   * arrived and writes are to be held (holdWritesUntilRead); undefined otherwise, which is at once after
   * the first reading or the wait's end.
   */
  firstReading(): Promise<void> | undefined {
    if (this.#firstReadingSettled || this.#deps.holdWritesUntilRead?.() !== true) return undefined;
    return this.#firstReading;
  }

  /** A peer just connected: read its clock now rather than at the next round (no-op before start). */
  probeNow(nodeId: string): void {
    if (this.#running && !this.#probing.has(nodeId)) void this.#probe(nodeId);
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#round();
  }

  close(): void {
    this.#running = false;
    this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#endFirstReadingWait();
  }

  /** Lets held writes go: the first reading came, the wait ran out, or the service closed. */
  #endFirstReadingWait(): void {
    if (this.#firstReadingSettled) return;
    this.#timers.clearTimeout(this.#firstReadingTimer);
    this.#settleFirstReading();
  }

  #round(): void {
    if (!this.#running) return;
    for (const nodeId of this.#deps.peers()) if (!this.#probing.has(nodeId)) void this.#probe(nodeId);
    this.#timer = this.#timers.setTimeout(() => this.#round(), CLOCK_PROBE_INTERVAL_MS);
  }

  async #probe(nodeId: string): Promise<void> {
    const { rpc, monitor } = this.#deps;
    this.#probing.add(nodeId);
    const sentMonotonicMs = monitor.probeSentAt();
    try {
      const request: ClockProbeMessage = { type: 'clockProbe' };
      const answer = await rpc.request(nodeId, request, { timeoutMs: CLOCK_PROBE_TIMEOUT_MS });
      if (!this.#running || !clockReading.is(answer)) return;
      monitor.record(nodeId, answer.clockMs, sentMonotonicMs);
      this.#endFirstReadingWait();
    } catch {
      // Unreachable, busy or too slow: its last sample stands, and the next round asks again.
    } finally {
      this.#probing.delete(nodeId);
    }
  }
}
