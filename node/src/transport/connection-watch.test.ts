import { expect, test } from 'bun:test';
import { CONNECTION_WAITERS_MAX, ConnectionWatch } from './connection-watch';

test('a wait ends true when the peer connects, false when the time runs out', async () => {
  const watch = new ConnectionWatch();
  const connects = watch.whenConnected('a', 1000);
  const timesOut = watch.whenConnected('b', 20);
  watch.up('a');
  expect(await connects).toBe(true);
  expect(await timesOut).toBe(false);
  expect(await watch.whenConnected('a', 0)).toBe(true);
  watch.down('a');
  expect(watch.isConnected('a')).toBe(false);
});

test('waiters are bounded, and close ends every wait', async () => {
  const watch = new ConnectionWatch();
  const waits = Array.from({ length: CONNECTION_WAITERS_MAX }, () => watch.whenConnected('slow', 60_000));
  expect(await watch.whenConnected('slow', 60_000)).toBe(false);
  watch.close();
  expect(new Set(await Promise.all(waits))).toEqual(new Set([false]));
  // The count went back to zero: a new wait is accepted again.
  const again = watch.whenConnected('slow', 60_000);
  watch.up('slow');
  expect(await again).toBe(true);
});
