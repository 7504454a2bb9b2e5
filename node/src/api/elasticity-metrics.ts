// Metrics of the cluster's elasticity, registered beside the HTTP ones once prom-client is loaded (it
// loads on the first scrape's behalf, after the node listens: see http-metrics.ts).

import type { HttpMetrics } from './http-metrics';

/** Registers swarmkv_cleanup_keys_deleted_total, read from `readDeleted` at scrape time. */
export async function registerCleanupMetric(metrics: HttpMetrics, readDeleted: () => number): Promise<void> {
  await metrics.load();
  const { Counter } = await import('prom-client');
  new Counter({
    name: 'swarmkv_cleanup_keys_deleted_total',
    help: 'Copies of keys this node no longer owns, deleted once their owners held them (clean-up).',
    registers: [metrics.registry],
    collect() {
      // The clean-up service owns the count; a scrape copies it (it only grows, as a counter must).
      this.reset();
      this.inc(readDeleted());
    },
  });
}
