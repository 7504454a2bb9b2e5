// The rate at which this node streams keys to new owners, measured from the rebalance counter
// (swarmkv_rebalance_keys_streamed_total) while it rises: idle seconds are left out, so the rate is
// what a transfer achieves, not the average over a mostly idle hour. Until a transfer has been seen
// the what-if prediction uses a default rate, and says so.

import { WHAT_IF_TRANSFER_KEYS_PER_SECOND_DEFAULT } from '../limits';

/** The counter the range-transfer engine raises for every key it streams (the contract). */
export const REBALANCE_KEYS_STREAMED_METRIC = 'swarmkv_rebalance_keys_streamed_total';
/** How often the counter is read. */
export const TRANSFER_RATE_SAMPLE_INTERVAL_MS = 1000;
/** Intervals in which the counter rose that the rate averages over: about the last minute of streaming. */
const ACTIVE_INTERVALS_MAX = 60;

export interface TransferRate {
  readonly keysPerSecond: number;
  readonly source: 'measured' | 'default';
}

export class TransferRateMeter {
  #last: { keys: number; atMs: number } | undefined;
  /** (keys, ms) of recent intervals in which keys were streamed, oldest first. */
  readonly #active: { keys: number; ms: number }[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;

  /** Notes the counter's total at `atMs`; a total lower than the last one (a restart) starts afresh. */
  observe(keys: number, atMs: number): void {
    const last = this.#last;
    this.#last = { keys, atMs };
    if (last === undefined || keys <= last.keys || atMs <= last.atMs) return;
    this.#active.push({ keys: keys - last.keys, ms: atMs - last.atMs });
    if (this.#active.length > ACTIVE_INTERVALS_MAX) this.#active.shift();
  }

  rate(): TransferRate {
    const keys = this.#active.reduce((sum, interval) => sum + interval.keys, 0);
    const ms = this.#active.reduce((sum, interval) => sum + interval.ms, 0);
    if (keys === 0 || ms === 0) return { keysPerSecond: WHAT_IF_TRANSFER_KEYS_PER_SECOND_DEFAULT, source: 'default' };
    return { keysPerSecond: Math.round((keys * 1000) / ms), source: 'measured' };
  }

  /**
   * Reads the keys-streamed total every interval, straight from the rebalance engine's status (the
   * same number the metric's scrape reads), so the sampling costs no registry round trip.
   */
  start(readKeysStreamed: () => number, nowMs: () => number): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.observe(readKeysStreamed(), nowMs()), TRANSFER_RATE_SAMPLE_INTERVAL_MS).unref();
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
