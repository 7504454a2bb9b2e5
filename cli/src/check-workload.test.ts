// The check's clients against a stand-in node on loopback (Bun.serve): each client keeps to its member,
// every operation is recorded with what the member answered (a refusal with its status and error
// code, a read with its value), a member that refuses connections counts as unreachable, and the
// history stops at its bound.

import { afterAll, expect, test } from 'bun:test';
import { CheckWorkload, type CheckWorkloadOptions } from './check-workload';

/**
 * A stand-in node: PUTs are stored and answered 200; n3 answers every quorum request 503, reads as a
 * cut-off node would and writes as one whose clock is off (an `unavailable` with its reason).
 */
function standIn(refuseQuorum: boolean) {
  const values = new Map<string, string>();
  return Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(request) {
      const url = new URL(request.url);
      const key = decodeURIComponent(url.pathname.slice('/kv/'.length));
      if (refuseQuorum && url.searchParams.get('consistency') === 'quorum') {
        const refusal = request.method === 'GET' ? { error: 'insufficient_replicas', message: '1 of 2' } : { error: 'unavailable', reason: 'clock_offset', message: 'clock ahead' };
        return Response.json(refusal, { status: 503 });
      }
      if (request.method === 'PUT') {
        values.set(key, ((await request.json()) as { value: string }).value);
        return Response.json({ key, version: '1' });
      }
      if (request.method === 'DELETE') return new Response(null, { status: values.delete(key) ? 204 : 404 });
      const value = values.get(key);
      return value === undefined ? Response.json({ error: 'not_found' }, { status: 404 }) : Response.json({ key, value, version: '1' });
    },
  });
}

const servers = [standIn(false), standIn(true)];
afterAll(() => {
  for (const server of servers) server.stop(true);
});

const OPTIONS: CheckWorkloadOptions = { clients: 4, keys: 5, opsPerSecond: 2000, oneShare: 0.5, keyPrefix: 'check:t:', token: undefined, seed: 1, operationsMax: 200 };

test('clients keep to their member, every answer is recorded, and the history stops at its bound', async () => {
  const targets = [
    { name: 'n1', url: `http://127.0.0.1:${servers[0]!.port}` },
    { name: 'n3', url: `http://127.0.0.1:${servers[1]!.port}` },
    // Nothing listens on port 9 (discard) here: its client's operations are unreachable.
    { name: 'gone', url: 'http://127.0.0.1:9' },
  ];
  const workload = new CheckWorkload(targets, OPTIONS);
  workload.start();
  await workload.capped;
  await workload.stop();
  const ops = workload.history.ops;
  expect(ops).toHaveLength(200);
  // Clients 0 and 3 are n1's, client 1 n3's, client 2 the unreachable member's.
  expect(new Set(ops.filter((op) => op.client === 'c0' || op.client === 'c3').map((op) => op.coordinator))).toEqual(new Set(['n1']));
  const totals = workload.totals();
  expect(totals.get('n1')).toMatchObject({ refused: 0, timeout: 0, unreachable: 0 });
  expect(totals.get('n3')!.refused).toBeGreaterThan(0);
  expect(totals.get('gone')!.unreachable).toBeGreaterThan(0);
  // Refusals are counted by code, and by reason where the node gives one.
  expect(new Set(workload.refusals.keys())).toEqual(new Set(['503 insufficient_replicas', '503 unavailable (clock_offset)']));
  expect(workload.refusals.get('503 insufficient_replicas')! + workload.refusals.get('503 unavailable (clock_offset)')!).toBe(totals.get('n3')!.refused);
  expect(ops.filter((op) => op.coordinator === 'n3' && op.consistency === 'quorum').every((op) => op.outcome === 'failed' && op.status === 503)).toBe(true);
  // A read n1 answered carries what it read: a value some PUT through n1 wrote, or null for a 404.
  const n1Values = new Set(ops.filter((op) => op.coordinator === 'n1' && op.kind === 'put').map((op) => op.value));
  const n1Reads = ops.filter((op) => op.coordinator === 'n1' && op.kind === 'get' && op.outcome === 'ok');
  expect(n1Reads.length).toBeGreaterThan(0);
  expect(n1Reads.every((op) => op.readValue === null || n1Values.has(op.readValue!))).toBe(true);
});
