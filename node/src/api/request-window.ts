// Request rate and latency percentiles over a short sliding window, for GET /stats (the dashboard's
// charts). Fed by HttpMetrics.observe, the one place every request is timed. The window is a ring of
// one-second slots, each a log-scale latency histogram: an observation is a log2 and an increment, a
// snapshot merges STATS_WINDOW_MS / STATS_SLOT_MS slots. Percentiles are exact to within 5%.

/** The window GET /stats reports over. */
export const STATS_WINDOW_MS = 10_000;
/** Slot width: the window slides by this much. */
export const STATS_SLOT_MS = 1000;
const SLOTS = STATS_WINDOW_MS / STATS_SLOT_MS;
/** Histogram buckets per doubling of latency: 8 gives bucket edges 9% apart, so ±4.5% from the midpoint. */
const BUCKETS_PER_DOUBLING = 8;
/** 27 doublings above 1 µs: up to 134 s; anything slower lands in the last bucket. */
const BUCKETS = 27 * BUCKETS_PER_DOUBLING;

export interface WindowSnapshot {
  /** Requests observed since the process started. */
  readonly requestsTotal: number;
  /** Requests per second over the window (or since start, if that is shorter). */
  readonly requestsPerSecond: number;
  /** Latency percentiles over the window in milliseconds; null when no request finished in it. */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
}

interface Slot {
  epoch: number;
  count: number;
  readonly histogram: Uint32Array;
}

function bucketOf(seconds: number): number {
  const micros = seconds * 1e6;
  if (!(micros > 1)) return 0;
  return Math.min(BUCKETS - 1, Math.floor(Math.log2(micros) * BUCKETS_PER_DOUBLING));
}

/** A bucket's geometric midpoint, in milliseconds, to the microsecond. */
function bucketMs(bucket: number): number {
  return Math.round(2 ** ((bucket + 0.5) / BUCKETS_PER_DOUBLING)) / 1000;
}

export class RequestWindow {
  readonly #slots: Slot[] = Array.from({ length: SLOTS }, () => ({ epoch: -1, count: 0, histogram: new Uint32Array(BUCKETS) }));
  readonly #nowMs: () => number;
  readonly #startedMs: number;
  #total = 0;

  constructor(nowMs: () => number = () => performance.now()) {
    this.#nowMs = nowMs;
    this.#startedMs = nowMs();
  }

  observe(seconds: number): void {
    const epoch = Math.floor(this.#nowMs() / STATS_SLOT_MS);
    const slot = this.#slots[epoch % SLOTS]!;
    if (slot.epoch !== epoch) {
      slot.epoch = epoch;
      slot.count = 0;
      slot.histogram.fill(0);
    }
    slot.count += 1;
    slot.histogram[bucketOf(seconds)]! += 1;
    this.#total += 1;
  }

  snapshot(): WindowSnapshot {
    const now = this.#nowMs();
    const current = Math.floor(now / STATS_SLOT_MS);
    const merged = new Uint32Array(BUCKETS);
    let count = 0;
    for (const slot of this.#slots) {
      if (slot.epoch <= current - SLOTS) continue;
      count += slot.count;
      for (let bucket = 0; bucket < BUCKETS; bucket++) merged[bucket]! += slot.histogram[bucket]!;
    }
    // The window: the current, partly filled slot and the SLOTS - 1 before it, or since start if shorter.
    const spanMs = Math.max(STATS_SLOT_MS, now - Math.max((current - SLOTS + 1) * STATS_SLOT_MS, this.#startedMs));
    return { requestsTotal: this.#total, requestsPerSecond: (count * 1000) / spanMs, p50Ms: percentile(merged, count, 0.5), p99Ms: percentile(merged, count, 0.99) };
  }
}

function percentile(histogram: Uint32Array, count: number, quantile: number): number | null {
  if (count === 0) return null;
  const rank = Math.ceil(quantile * count);
  let seen = 0;
  for (let bucket = 0; bucket < BUCKETS; bucket++) {
    seen += histogram[bucket]!;
    if (seen >= rank) return bucketMs(bucket);
  }
  return bucketMs(BUCKETS - 1);
}
