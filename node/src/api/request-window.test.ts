import { expect, test } from 'bun:test';
import { RequestWindow, STATS_SLOT_MS, STATS_WINDOW_MS } from './request-window';

test('rate and percentiles over the window; older slots slide out; the total stays', () => {
  let now = 1_000_000;
  const window = new RequestWindow(() => now);
  expect(window.snapshot()).toEqual({ requestsTotal: 0, requestsPerSecond: 0, p50Ms: null, p99Ms: null });
  // 10 s of 100 requests a second: 98 at 1 ms, one at 10 ms and one at 100 ms in each second.
  for (let second = 0; second < STATS_WINDOW_MS / 1000; second++) {
    for (let index = 0; index < 98; index++) window.observe(0.001);
    window.observe(0.01);
    window.observe(0.1);
    now += STATS_SLOT_MS;
  }
  now -= 1;
  const full = window.snapshot();
  expect(full.requestsTotal).toBe(1000);
  expect(full.requestsPerSecond).toBeGreaterThan(99);
  expect(full.requestsPerSecond).toBeLessThan(101);
  expect(Math.abs(full.p50Ms! - 1) / 1).toBeLessThan(0.05);
  expect(Math.abs(full.p99Ms! - 10) / 10).toBeLessThan(0.05);
  // Half a window later with no requests, half of them have slid out; a window later, all have.
  now += STATS_WINDOW_MS / 2;
  expect(window.snapshot().requestsPerSecond).toBeLessThan(60);
  now += STATS_WINDOW_MS;
  expect(window.snapshot()).toEqual({ requestsTotal: 1000, requestsPerSecond: 0, p50Ms: null, p99Ms: null });
});

test('latencies from under a microsecond to minutes land in the histogram', () => {
  const window = new RequestWindow(() => 0);
  window.observe(0);
  window.observe(600);
  const { p50Ms, p99Ms } = window.snapshot();
  expect(p50Ms).toBeLessThan(0.002);
  expect(p99Ms).toBeGreaterThan(100_000);
});
