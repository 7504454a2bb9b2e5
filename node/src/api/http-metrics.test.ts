import { describe, expect, test } from 'bun:test';
import { HttpMetrics } from './http-metrics';

const storeStats = () => ({ liveKeys: 0, tombstones: 0, bytes: 0 });

describe('HttpMetrics transport counters', () => {
  test('count nothing until the cluster half runs, then its totals at every scrape', async () => {
    const metrics = new HttpMetrics(storeStats);
    expect(await metrics.render()).toContain('swarmkv_transport_bytes_sent_total 0');
    let totals = { bytesSent: 120, bytesReceived: 80, messagesSent: 3, messagesReceived: 2 };
    metrics.watchTransport(() => totals);
    const first = await metrics.render();
    expect(first).toContain('swarmkv_transport_bytes_sent_total 120');
    expect(first).toContain('swarmkv_transport_messages_received_total 2');
    totals = { ...totals, bytesSent: 500 };
    expect(await metrics.render()).toContain('swarmkv_transport_bytes_sent_total 500');
    expect(await metrics.counterTotal('swarmkv_transport_bytes_received_total')).toBe(80);
    expect(await metrics.counterTotal('swarmkv_rebalance_keys_streamed_total')).toBeUndefined();
  });
});
