import { describe, expect, test } from 'bun:test';
import { parseRedisBenchmarkCsv } from './redis-benchmark';

// redis-benchmark 7.0's --csv output in cluster mode, as captured from Debian's redis-tools.
const OUTPUT = `Cluster has 3 master nodes:

Master 0: 7f63d820adece8211fc6b376174f34d1c631fd91 127.0.0.1:7001
Master 1: 0d1b37fbc845977e89854a96962dd5e72a6e908c 127.0.0.1:7002

"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
"SET","26420.08","0.817","0.048","0.415","2.279","6.455","74.943"
"GET","35842.29","0.393","0.040","0.183","1.263","3.823","14.535"
`;

describe('parseRedisBenchmarkCsv', () => {
  test('reads the rate and the percentiles of the asked command', () => {
    expect(parseRedisBenchmarkCsv(OUTPUT, 'get', 50_000)).toEqual({ requestsPerSecond: 35842.29, requests: 50_000, p50Ms: 0.183, p99Ms: 3.823, non2xx: 0, socketErrors: 0 });
    expect(parseRedisBenchmarkCsv(OUTPUT, 'set', 10).p99Ms).toBe(6.455);
  });

  test('refuses output without the command line rather than reporting zeros', () => {
    expect(() => parseRedisBenchmarkCsv('Could not connect to Redis at 127.0.0.1:7001: Connection refused', 'get', 1)).toThrow(/unexpected redis-benchmark output/);
  });
});
