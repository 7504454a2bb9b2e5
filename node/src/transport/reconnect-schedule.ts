// Bounded reconnection to peers we lost. Hyperswarm retries a dropped client connection three times
// within ~20 s and then waits for its 10-minute topic refresh, and the side that accepted the connection
// never retries at all; so after a partition longer than that, two healthy nodes could stay apart for
// minutes. This schedule keeps trying each lost peer with exponential backoff and jitter, up to a bound,
// until it comes back (under any key) or the attempts run out.

import { shortKey, type TransportLog } from './transport-log';

export const RECONNECT_DELAY_MS_MIN = 500;
/**
 * The longest wait between two redials, and so (with jitter, +25%) the longest a healed link stays
 * unused: a redial is one DHT lookup and one connection attempt, cheap at a cluster's size. At 30 s,
 * as it was, a pair cut apart for a minute could stay apart for up to 37 s after the cut healed.
 */
export const RECONNECT_DELAY_MS_MAX = 4000;
/** 0.5 + 1 + 2 s, then every 4 s: about ten minutes of trying, after which the topic lookup (once a minute) still finds it. */
export const RECONNECT_ATTEMPTS_MAX = 150;
/** ±25%, so nodes that lost each other at the same moment do not retry in lockstep. */
const RECONNECT_JITTER_RATIO = 0.25;

/** The delay before attempt `attempt` (0-based); `random` is uniform in [0, 1). */
export function reconnectDelayMs(attempt: number, random: number, delayMsMin = RECONNECT_DELAY_MS_MIN, delayMsMax = RECONNECT_DELAY_MS_MAX): number {
  const base = Math.min(delayMsMax, delayMsMin * 2 ** Math.min(attempt, 30));
  return Math.round(base * (1 - RECONNECT_JITTER_RATIO + 2 * RECONNECT_JITTER_RATIO * random));
}

export interface ReconnectTarget {
  readonly nodeId: string;
  readonly publicKey: Uint8Array;
}

export interface ReconnectScheduleOptions {
  /** Try to reach the target now; `attempt` counts from 0. */
  attempt(target: ReconnectTarget, attempt: number): void;
  /** The series for this target ended (peer back, attempts exhausted, or closing): stop trying. */
  release(target: ReconnectTarget): void;
  readonly log: TransportLog;
  readonly attemptsMax?: number;
  readonly delayMsMin?: number;
  readonly delayMsMax?: number;
  readonly random?: () => number;
  /** Milliseconds on a monotonic clock; default performance.now. */
  readonly nowMs?: () => number;
}

interface Series {
  readonly target: ReconnectTarget;
  /** When the peer was lost, on the `nowMs` clock. */
  readonly lostAtMs: number;
  attempts: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class ReconnectSchedule {
  readonly #options: ReconnectScheduleOptions;
  readonly #series = new Map<string, Series>();
  #closed = false;

  constructor(options: ReconnectScheduleOptions) {
    this.#options = options;
  }

  /** Node ids currently being retried. */
  pending(): string[] {
    return [...this.#series.keys()];
  }

  /** A peer was lost: start a fresh series for it (replacing any older one). */
  lost(target: ReconnectTarget): void {
    if (this.#closed) return;
    const older = this.#series.get(target.nodeId);
    if (older !== undefined) this.#end(older);
    const series: Series = { target, lostAtMs: this.#nowMs(), attempts: 0, timer: undefined };
    this.#series.set(target.nodeId, series);
    this.#arm(series);
  }

  /**
   * The peer is back: stop retrying it, and log how long it was away (`transport.reconnected`, one line
   * per reconnection, whichever side dialled), so every reconnection's duration is in the log.
   */
  found(nodeId: string): void {
    const series = this.#series.get(nodeId);
    if (series === undefined) return;
    const downMs = Math.round(this.#nowMs() - series.lostAtMs);
    this.#options.log('transport.reconnected', { nodeId, remoteKey: shortKey(series.target.publicKey), downMs, attempts: series.attempts });
    this.#end(series);
  }

  close(): void {
    this.#closed = true;
    for (const series of [...this.#series.values()]) this.#end(series);
  }

  #nowMs(): number {
    return (this.#options.nowMs ?? (() => performance.now()))();
  }

  #arm(series: Series): void {
    const { attemptsMax = RECONNECT_ATTEMPTS_MAX, random = Math.random, log } = this.#options;
    if (series.attempts >= attemptsMax) {
      log('transport.reconnect_gave_up', { nodeId: series.target.nodeId, attempts: series.attempts });
      this.#end(series);
      return;
    }
    const delayMs = reconnectDelayMs(series.attempts, random(), this.#options.delayMsMin, this.#options.delayMsMax);
    series.timer = setTimeout(() => {
      const attempt = series.attempts++;
      log('transport.reconnect_attempt', { nodeId: series.target.nodeId, remoteKey: shortKey(series.target.publicKey), attempt });
      this.#options.attempt(series.target, attempt);
      this.#arm(series);
    }, delayMs);
  }

  #end(series: Series): void {
    clearTimeout(series.timer);
    this.#series.delete(series.target.nodeId);
    this.#options.release(series.target);
  }
}
