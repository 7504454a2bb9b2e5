import { expect, test } from 'bun:test';
import { DiscoveryRefresh } from './discovery-refresh';
import { RECONNECT_DELAY_MS_MAX, RECONNECT_DELAY_MS_MIN, reconnectDelayMs, ReconnectSchedule, type ReconnectTarget } from './reconnect-schedule';
import { sleep, waitUntil } from './recording-handlers.contract';

test('reconnect delays double from the minimum to the maximum, within ±25% jitter', () => {
  const rows: Array<[number, number]> = [
    [0, RECONNECT_DELAY_MS_MIN],
    [1, 2 * RECONNECT_DELAY_MS_MIN],
    [3, 8 * RECONNECT_DELAY_MS_MIN],
    [6, RECONNECT_DELAY_MS_MAX],
    [40, RECONNECT_DELAY_MS_MAX],
  ];
  for (const [attempt, base] of rows) {
    expect(reconnectDelayMs(attempt, 0.5)).toBe(base);
    expect(reconnectDelayMs(attempt, 0)).toBe(Math.round(base * 0.75));
    expect(reconnectDelayMs(attempt, 0.999_999)).toBeLessThanOrEqual(Math.round(base * 1.25));
  }
});

function schedule(attemptsMax: number) {
  const attempts: Array<[string, number]> = [];
  const released: string[] = [];
  const events: string[] = [];
  const reconnects = new ReconnectSchedule({
    attempt: (target, attempt) => attempts.push([target.nodeId, attempt]),
    release: (target) => released.push(target.nodeId),
    log: (event) => events.push(event),
    attemptsMax,
    delayMsMin: 2,
    delayMsMax: 8,
    random: () => 0.5,
  });
  return { reconnects, attempts, released, events };
}

const target = (nodeId: string): ReconnectTarget => ({ nodeId, publicKey: new Uint8Array(32) });

test('a lost peer is retried a bounded number of times, then given up', async () => {
  const { reconnects, attempts, released, events } = schedule(4);
  reconnects.lost(target('b'));
  expect(reconnects.pending()).toEqual(['b']);
  await waitUntil(() => released.length === 1, 1000, 'the give-up');
  expect(attempts).toEqual([['b', 0], ['b', 1], ['b', 2], ['b', 3]]);
  expect(events).toContain('transport.reconnect_gave_up');
  expect(reconnects.pending()).toEqual([]);
});

test('a peer that comes back stops its retries; close() stops them all', async () => {
  const { reconnects, attempts, released } = schedule(100);
  reconnects.lost(target('b'));
  reconnects.lost(target('c'));
  reconnects.found('b');
  expect(released).toEqual(['b']);
  await sleep(20);
  expect(attempts.every(([nodeId]) => nodeId === 'c')).toBe(true);
  reconnects.close();
  expect(released).toEqual(['b', 'c']);
  const count = attempts.length;
  await sleep(20);
  expect(attempts.length).toBe(count);
  reconnects.lost(target('d'));
  expect(reconnects.pending()).toEqual([]);
});

test('a peer that comes back is logged once as transport.reconnected, with how long it was away', () => {
  let nowMs = 1000;
  const logged: Array<{ event: string; fields: Record<string, unknown> }> = [];
  const reconnects = new ReconnectSchedule({ attempt: () => {}, release: () => {}, log: (event, fields) => logged.push({ event, fields }), nowMs: () => nowMs });
  reconnects.lost(target('b'));
  nowMs += 420;
  reconnects.found('b');
  reconnects.found('b');
  expect(logged.filter(({ event }) => event === 'transport.reconnected')).toEqual([
    { event: 'transport.reconnected', fields: { nodeId: 'b', remoteKey: '0000000000000000', downMs: 420, attempts: 0 } },
  ]);
  reconnects.close();
});

test('discovery refreshes back off, hurry back when asked, and stop on close', async () => {
  const delays: number[] = [];
  const refresh: DiscoveryRefresh = new DiscoveryRefresh(
    async () => {
      delays.push(refresh.delayMs);
    },
    () => {},
    { delayMsMin: 5, delayMsMax: 40 },
  );
  refresh.start();
  await waitUntil(() => delays.length === 5, 2000, 'five refreshes');
  expect(delays).toEqual([5, 10, 20, 40, 40]);
  refresh.hurry();
  expect(refresh.delayMs).toBe(5);
  await waitUntil(() => delays.length === 6, 2000, 'the hurried refresh');
  expect(delays[5]).toBe(5);
  refresh.close();
  const count = delays.length;
  await sleep(60);
  expect(delays.length).toBe(count);
});
