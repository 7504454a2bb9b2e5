// Per-route request counts and latency histograms, kept as plain numbers and rendered to Prometheus
// text only when scraped. Every request was counted through prom-client's Counter and Histogram, which
// hash a label set, look up a child and walk a bucket list per call (~5% of a GET's CPU, bench/RESULTS.md);
// here each route's tally is bound once, when the route is built, and an observation is a few additions.

/** Latency buckets in seconds: from a cached read (~100 µs) to a slow fsync under load (~2.5 s). */
export const LATENCY_BUCKETS_SECONDS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export const REQUESTS_METRIC = { name: 'swarmkv_http_requests_total', help: 'HTTP requests by route template, method and response status.' };
export const LATENCY_METRIC = { name: 'swarmkv_http_request_duration_seconds', help: 'HTTP request latency by route template and method, from routing to response.' };

/** One route's requests: how many per status, and their latencies in LATENCY_BUCKETS_SECONDS. */
export class RouteTally {
  readonly method: string;
  readonly route: string;
  /** Requests per response status; a route answers with a handful of statuses. */
  readonly #statusCounts = new Map<number, number>();
  /** Requests per latency bucket, not cumulative; the last slot is beyond the largest bound (+Inf). */
  readonly #bucketCounts = new Float64Array(LATENCY_BUCKETS_SECONDS.length + 1);
  #secondsSum = 0;
  #count = 0;

  constructor(method: string, route: string) {
    this.method = method;
    this.route = route;
  }

  get count(): number {
    return this.#count;
  }

  observe(status: number, seconds: number): void {
    this.#statusCounts.set(status, (this.#statusCounts.get(status) ?? 0) + 1);
    let bucket = 0;
    while (bucket < LATENCY_BUCKETS_SECONDS.length && seconds > LATENCY_BUCKETS_SECONDS[bucket]!) bucket++;
    this.#bucketCounts[bucket]! += 1;
    this.#secondsSum += seconds;
    this.#count += 1;
  }

  /** `swarmkv_http_requests_total` sample lines, one per status seen. */
  requestLines(): string[] {
    const labels = `method="${escapeLabel(this.method)}",route="${escapeLabel(this.route)}"`;
    return [...this.#statusCounts].map(([status, count]) => `${REQUESTS_METRIC.name}{${labels},status="${status}"} ${count}`);
  }

  /** `swarmkv_http_request_duration_seconds` sample lines (buckets cumulative, then sum and count), as prom-client writes them. */
  latencyLines(): string[] {
    const labels = `method="${escapeLabel(this.method)}",route="${escapeLabel(this.route)}"`;
    const lines: string[] = [];
    let cumulative = 0;
    LATENCY_BUCKETS_SECONDS.forEach((bound, bucket) => {
      cumulative += this.#bucketCounts[bucket]!;
      lines.push(`${LATENCY_METRIC.name}_bucket{le="${bound}",${labels}} ${cumulative}`);
    });
    lines.push(`${LATENCY_METRIC.name}_bucket{le="+Inf",${labels}} ${this.#count}`);
    lines.push(`${LATENCY_METRIC.name}_sum{${labels}} ${this.#secondsSum}`);
    lines.push(`${LATENCY_METRIC.name}_count{${labels}} ${this.#count}`);
    return lines;
  }
}

/**
 * Both metrics of every tally as Prometheus text. A route with no request yet has no samples (as with
 * prom-client, whose label sets appear with their first observation); each metric is declared anyway.
 */
export function renderTallies(tallies: Iterable<RouteTally>): string {
  const all = [...tallies].filter((tally) => tally.count > 0);
  const requests = [`# HELP ${REQUESTS_METRIC.name} ${REQUESTS_METRIC.help}`, `# TYPE ${REQUESTS_METRIC.name} counter`, ...all.flatMap((tally) => tally.requestLines())];
  const latency = [`# HELP ${LATENCY_METRIC.name} ${LATENCY_METRIC.help}`, `# TYPE ${LATENCY_METRIC.name} histogram`, ...all.flatMap((tally) => tally.latencyLines())];
  return `${requests.join('\n')}\n\n${latency.join('\n')}\n`;
}

/** A label value as the exposition format quotes it. */
function escapeLabel(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}
