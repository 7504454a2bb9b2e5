// Range transfers in Prometheus terms: keys and bytes this node has streamed in from other replicas
// (joins), read from the rebalance engine at scrape time.

import type { Registry } from 'prom-client';
import { scrapedCounter } from './scraped-counter';

type PromClient = typeof import('prom-client');

export interface StreamedTotals {
  readonly keysStreamed: number;
  readonly bytesStreamed: number;
}

export function registerRebalanceMetrics(client: PromClient, registry: Registry, read: () => StreamedTotals): void {
  scrapedCounter(client, registry, 'swarmkv_rebalance_keys_streamed_total', 'Records this node streamed in from current replicas while joining the ring (tombstones included).', () => read().keysStreamed);
  scrapedCounter(client, registry, 'swarmkv_rebalance_bytes_streamed_total', 'Bytes of those records (keys and values, as a transfer batch counts them).', () => read().bytesStreamed);
}
