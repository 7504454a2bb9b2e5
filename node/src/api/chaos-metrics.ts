// The chaos layer's counters, registered only on a node started with --chaos: faults injected by kind,
// peer messages a partition dropped, and those a delay held. The fault state owns the counts; a scrape copies them.

import type { ChaosFaults } from '../chaos';
import type { HttpMetrics } from './http-metrics';
import { scrapedCounter } from './scraped-counter';

export async function registerChaosMetrics(metrics: HttpMetrics, chaos: ChaosFaults): Promise<void> {
  await metrics.load();
  const client = await import('prom-client');
  new client.Counter({
    name: 'swarmkv_chaos_faults_total',
    help: 'Chaos events on this node since start, by kind (partition, heal, delay, pause, resume, skew, kill).',
    labelNames: ['kind'],
    registers: [metrics.registry],
    collect() {
      this.reset();
      for (const [kind, count] of chaos.faultCounts()) this.inc({ kind }, count);
    },
  });
  scrapedCounter(client, metrics.registry, 'swarmkv_chaos_dropped_messages_total', 'Peer messages to or from a partitioned peer that this node dropped, and messages a delayed link had no room to hold.', () => chaos.droppedMessages());
  scrapedCounter(client, metrics.registry, 'swarmkv_chaos_delayed_messages_total', 'Peer messages this node held on a delayed link before sending them.', () => chaos.delayedMessages());
}
