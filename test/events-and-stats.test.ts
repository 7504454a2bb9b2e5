// GET /cluster/events and GET /stats on a real node: the node's own log events, in the order and with
// the fields its log lines have, paged by seq; refusals of malformed queries; request counts, rate and
// latency percentiles that follow the traffic actually sent. Every answer fits the OpenAPI document.

import { describe, expect, setDefaultTimeout, test } from 'bun:test';
import { mapConcurrent, useNode, waitUntil } from './support/node-lifecycle';
import { responseProblems } from './support/openapi-check';
import { http } from './support/spawn-node';

setDefaultTimeout(30_000);
/** A tombstone is collected within its grace (1 s) and a sweep interval (100 ms), with room. */
const LOG_LINE_MS_MAX = 5_000;

describe('recent events and request statistics on one node', () => {
  // A short tombstone grace makes the node log an event on its own a second after a delete.
  const node = useNode({ args: ['--tombstone-grace-ms', '1000'] });
  const url = () => node().url;

  test('the buffer holds the events the node logged, with the same fields, ascending by seq', async () => {
    const page = await http('GET', `${url()}/cluster/events`);
    expect(page.status).toBe(200);
    expect(page.body.nodeId).toBe((await http('GET', `${url()}/health`)).body.nodeId);
    const logged = node().events.filter((line) => line.level !== 'debug');
    const kept = page.body.events as { seq: number; time: string; event: string; level: string; fields: Record<string, unknown> }[];
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.map((event) => event.seq)).toEqual(kept.map((_, index) => index + 1));
    expect(page.body.next).toBe(kept.at(-1)!.seq);
    // Each kept event is a log line: same name, level, fields (the line adds only level/time/event).
    kept.forEach((event, index) => {
      const { level, time, event: name, ...fields } = logged[index]!;
      expect({ event: event.event, level: event.level, fields: event.fields }).toEqual({ event: String(name), level: String(level), fields });
      expect(Math.abs(Date.parse(event.time) - Date.parse(String(time)))).toBeLessThan(1000);
    });
    expect(kept.map((event) => event.event)).toContain('node.listening');
    // And in words, as the pretty log line says it.
    const listening = page.body.events.find((event: { event: string }) => event.event === 'node.listening');
    expect(listening.tone).toBe('good');
    expect(listening.text).toStartWith(`listening on ${url()} (`);
    expect(listening.text).toEndWith(`; started in ${listening.fields.startMs} ms)`);
  });

  test('after is exclusive and limit bounds the page; polling with next sees only newer events', async () => {
    const all = (await http('GET', `${url()}/cluster/events?limit=1000`)).body;
    const one = (await http('GET', `${url()}/cluster/events?after=0&limit=1`)).body;
    expect(one.events.map((event: { seq: number }) => event.seq)).toEqual([1]);
    expect(one.next).toBe(1);
    const idle = (await http('GET', `${url()}/cluster/events?after=${all.next}`)).body;
    expect(idle).toEqual({ nodeId: all.nodeId, startedAt: all.startedAt, events: [], next: all.next });
    expect(Date.parse(all.startedAt)).toBeLessThanOrEqual(Date.parse(all.events[0].time));
    const before = node().events.length;
    expect((await http('PUT', `${url()}/kv/doomed`, { json: { value: 1 } })).status).toBe(200);
    expect((await http('DELETE', `${url()}/kv/doomed`)).status).toBe(204);
    await waitUntil('the tombstone collected', () => node().events.slice(before).some((line) => line.event === 'tombstones.collected'), LOG_LINE_MS_MAX);
    const newer = (await http('GET', `${url()}/cluster/events?after=${all.next}`)).body;
    expect(newer.events.length).toBeGreaterThan(0);
    expect(newer.events[0].seq).toBe(all.next + 1);
    expect(newer.events.map((event: { event: string }) => event.event)).toEqual(node().events.slice(before).filter((line) => line.level !== 'debug').map((line) => line.event));
  });

  test('malformed after or limit: 400 invalid_query, naming the parameter', async () => {
    for (const query of ['after=-1', 'after=abc', 'after=1.5', 'after=', 'limit=0', 'limit=1001', 'limit=ten', 'limit=1&limit=2', 'after=99999999999999999999']) {
      const reply = await http('GET', `${url()}/cluster/events?${query}`);
      expect({ query, status: reply.status, error: reply.body.error }).toEqual({ query, status: 400, error: 'invalid_query' });
      expect(reply.body.message).toMatch(/after|limit/);
    }
  });

  test('/stats counts requests and reports their rate and latency over its window', async () => {
    const first = (await http('GET', `${url()}/stats`)).body;
    expect(first).toEqual({ nodeId: expect.any(String), time: expect.any(String), requestsTotal: expect.any(Number), requestsPerSecond: expect.any(Number), latencyMs: expect.any(Object) });
    const burst = 200;
    await mapConcurrent(Array.from({ length: burst }, (_, index) => index), 16, (index) => http('GET', `${url()}/kv/missing-${index}`));
    const after = (await http('GET', `${url()}/stats`)).body;
    // The burst, plus the /stats request that took the first snapshot (counted once it finished).
    expect(after.requestsTotal).toBe(first.requestsTotal + burst + 1);
    expect(after.requestsPerSecond).toBeGreaterThan(burst / 10 - 1);
    expect(after.latencyMs.p50).toBeGreaterThan(0);
    expect(after.latencyMs.p99).toBeGreaterThanOrEqual(after.latencyMs.p50);
    expect(after.latencyMs.p99).toBeLessThan(1000);
    expect(Math.abs(Date.parse(after.time) - Date.now())).toBeLessThan(60_000);
  });

  test('answers fit the OpenAPI document', async () => {
    const spec = (await http('GET', `${url()}/swagger/json`)).body;
    for (const [template, path] of [
      ['/cluster/events', '/cluster/events?limit=5'],
      ['/cluster/events', '/cluster/events?limit=x'],
      ['/stats', '/stats'],
    ] as const) {
      const reply = await http('GET', `${url()}${path}`);
      expect(responseProblems(spec, 'GET', template, reply.status, reply.body)).toEqual([]);
    }
  });
});

describe('a node whose clock runs an hour ahead (--clock-offset-ms)', () => {
  const HOUR_MS = 3_600_000;
  const node = useNode({ args: ['--memory', '--clock-offset-ms', String(HOUR_MS)] });

  test('stamps its events in real time, as its log lines are, so they line up with other nodes’ events', async () => {
    const page = (await http('GET', `${node().url}/cluster/events`)).body;
    const listening = page.events.find((event: { event: string }) => event.event === 'node.listening');
    expect(Math.abs(Date.parse(listening.time) - Date.now())).toBeLessThan(60_000);
    expect(Math.abs(Date.parse(page.startedAt) - Date.now())).toBeLessThan(60_000);
    // Its data clock is the one ahead: a write's updatedAt says so.
    const written = await http('PUT', `${node().url}/kv/stamped`, { json: { value: 1 } });
    const read = await http('GET', `${node().url}/kv/stamped`);
    expect(written.status).toBe(200);
    expect(Date.parse(read.body.updatedAt) - Date.now()).toBeGreaterThan(HOUR_MS - 60_000);
  });
});
