import { expect, test } from 'bun:test';
import { LATENCY_BUCKETS_SECONDS, renderTallies, RouteTally } from './route-tally';

test('counts per status and cumulative latency buckets, as prom-client renders them', () => {
  const tally = new RouteTally('PUT', '/kv/{key}');
  tally.observe(200, 0.0001);
  tally.observe(200, 0.0003);
  tally.observe(413, 3);
  const text = renderTallies([tally]);
  const lines = text.split('\n');
  expect(lines).toContain('swarmkv_http_requests_total{method="PUT",route="/kv/{key}",status="200"} 2');
  expect(lines).toContain('swarmkv_http_requests_total{method="PUT",route="/kv/{key}",status="413"} 1');
  // 0.0001 is at the first bound (le is inclusive), 0.0003 in the third, 3 s beyond the last.
  expect(lines).toContain('swarmkv_http_request_duration_seconds_bucket{le="0.0001",method="PUT",route="/kv/{key}"} 1');
  expect(lines).toContain('swarmkv_http_request_duration_seconds_bucket{le="0.00025",method="PUT",route="/kv/{key}"} 1');
  expect(lines).toContain('swarmkv_http_request_duration_seconds_bucket{le="0.0005",method="PUT",route="/kv/{key}"} 2');
  expect(lines).toContain('swarmkv_http_request_duration_seconds_bucket{le="2.5",method="PUT",route="/kv/{key}"} 2');
  expect(lines).toContain('swarmkv_http_request_duration_seconds_bucket{le="+Inf",method="PUT",route="/kv/{key}"} 3');
  expect(lines).toContain('swarmkv_http_request_duration_seconds_count{method="PUT",route="/kv/{key}"} 3');
  expect(lines.filter((line) => line.includes('_bucket{'))).toHaveLength(LATENCY_BUCKETS_SECONDS.length + 1);
  expect(lines.find((line) => line.startsWith('swarmkv_http_request_duration_seconds_sum'))).toMatch(/ 3\.0004/);
});

test('both metrics are declared before any request, and a route without requests has no samples', () => {
  expect(renderTallies([new RouteTally('GET', '/health')])).toBe(
    '# HELP swarmkv_http_requests_total HTTP requests by route template, method and response status.\n# TYPE swarmkv_http_requests_total counter\n\n' +
      '# HELP swarmkv_http_request_duration_seconds HTTP request latency by route template and method, from routing to response.\n# TYPE swarmkv_http_request_duration_seconds histogram\n',
  );
});
