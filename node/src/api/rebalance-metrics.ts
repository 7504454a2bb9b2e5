// Range transfers in Prometheus terms: keys and bytes this node has streamed in from other replicas
// (joins), read from the rebalance engine at scrape time.

import type { Registry } from 'prom-client';

type PromClient = typeof import('prom-client');

export interface StreamedTotals {
  readonly keysStreamed: number;
  readonly bytesStreamed: number;
}

export function registerRebalanceMetrics({ Counter }: PromClient, registry: Registry, read: () => StreamedTotals): void {
  // The engine owns the counts; a scrape copies them (they only grow, as counters must).
  const counter = (name: string, help: string, pick: (totals: StreamedTotals) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(pick(read()));
      },
    });
  counter('swarmkv_rebalance_keys_streamed_total', 'Records this node streamed in from current replicas while joining the ring (tombstones included).', (totals) => totals.keysStreamed);
  counter('swarmkv_rebalance_bytes_streamed_total', 'Bytes of those records (keys and values, as a transfer batch counts them).', (totals) => totals.bytesStreamed);
}
