// Repeats the topic lookup on a backoff. Hyperswarm looks a topic up once on join and then every ten
// minutes, which suits a large public swarm but not a cluster booting at once: nodes that announce and
// look up at the same moment miss each other and would stay apart for ten minutes (measured on the
// testnet: every simultaneous start). Here the lookup repeats after 0.5 s, doubling to once a minute, and
// hurries back to 0.5 s whenever a peer is lost, since a peer that restarts comes back under a new key.

import type { TransportLog } from './transport-log';

export const DISCOVERY_REFRESH_MS_MIN = 500;
/** Bounds how long two nodes that missed each other stay apart, at one DHT announce+lookup a minute. */
export const DISCOVERY_REFRESH_MS_MAX = 60_000;

export interface DiscoveryRefreshDelays {
  readonly delayMsMin: number;
  readonly delayMsMax: number;
}

export class DiscoveryRefresh {
  readonly #refresh: () => Promise<void>;
  readonly #log: TransportLog;
  readonly #delays: DiscoveryRefreshDelays;
  #delayMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running = false;
  #hurried = false;
  #closed = false;

  constructor(refresh: () => Promise<void>, log: TransportLog, delays: DiscoveryRefreshDelays = { delayMsMin: DISCOVERY_REFRESH_MS_MIN, delayMsMax: DISCOVERY_REFRESH_MS_MAX }) {
    this.#refresh = refresh;
    this.#log = log;
    this.#delays = delays;
    this.#delayMs = delays.delayMsMin;
  }

  /** The wait before the next lookup (or the one under way). */
  get delayMs(): number {
    return this.#delayMs;
  }

  start(): void {
    this.#schedule();
  }

  /** Look again soon: the cluster changed. */
  hurry(): void {
    this.#delayMs = this.#delays.delayMsMin;
    if (this.#running) {
      this.#hurried = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#schedule();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => void this.#tick(), this.#delayMs);
  }

  async #tick(): Promise<void> {
    this.#running = true;
    try {
      await this.#refresh();
    } catch (error) {
      this.#log('transport.discovery_failed', { error: error instanceof Error ? error.message : String(error) });
    }
    this.#running = false;
    this.#delayMs = this.#hurried ? this.#delays.delayMsMin : Math.min(this.#delays.delayMsMax, this.#delayMs * 2);
    this.#hurried = false;
    this.#schedule();
  }
}
