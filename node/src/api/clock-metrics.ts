// The clock-offset bound's gauges (clock-offset/): how far this node's clock is from its cluster's, and
// whether it may version writes. Read from the monitor at scrape time.

import type { HttpMetrics } from './http-metrics';

/** What the gauges read: the node's offset from its cluster's clocks (null: no peer measured) and the bound's verdict. */
export interface ClockStatus {
  readonly offsetMs: number | null;
  readonly synchronized: boolean;
}

export async function registerClockMetrics(metrics: HttpMetrics, read: () => ClockStatus): Promise<void> {
  await metrics.load();
  const { Gauge } = await import('prom-client');
  new Gauge({
    name: 'swarmkv_clock_offset_seconds',
    help: "How far this node's wall clock is ahead of the median of its cluster's clocks (negative: behind); absent until a peer was measured.",
    registers: [metrics.registry],
    collect() {
      const { offsetMs } = read();
      // No sample, no value: a 0 would claim a measurement.
      if (offsetMs === null) this.reset();
      else this.set(offsetMs / 1000);
    },
  });
  new Gauge({
    name: 'swarmkv_clock_synchronized',
    help: '1 while this node may coordinate writes, 0 while its clock is beyond --max-clock-offset-ms from most of its peers (it refuses them).',
    registers: [metrics.registry],
    collect() {
      this.set(read().synchronized ? 1 : 0);
    },
  });
}
