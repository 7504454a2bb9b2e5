// CORS on a real node: cross-origin reads are allowed only from cluster members' HTTP addresses (here,
// the node's advertised address and the address it listens on); preflights allow GET from those
// origins and nothing else; writes never carry CORS headers, so a browser refuses them cross-origin.
// The cluster suite (cluster-explain.test.ts) checks that another member's origin is allowed too.

import { describe, expect, setDefaultTimeout, test } from 'bun:test';
import { useNode } from './support/node-lifecycle';
import { http } from './support/spawn-node';

setDefaultTimeout(30_000);

const ADVERTISED = '127.0.0.9:7999';
const FOREIGN = 'http://evil.example:7070';

function preflight(url: string, origin: string, method: string) {
  return http('OPTIONS', url, { headers: { origin, 'access-control-request-method': method }, contentType: null });
}

describe('CORS on a node advertising another address than it listens on', () => {
  const node = useNode({ args: ['--advertise', ADVERTISED] });
  const url = () => node().url;
  const readPaths = ['/health', '/stats', '/cluster/events', '/cluster/members', '/cluster/ring', '/cluster/health', '/cluster/repair', '/cluster/locate/a', '/cluster/local/a', '/kv', '/kv/a'];

  test('reads from the advertised and the listening origin carry Access-Control-Allow-Origin for that origin', async () => {
    await http('PUT', `${url()}/kv/a`, { json: { value: 1 } });
    for (const origin of [`http://${ADVERTISED}`, new URL(url()).origin]) {
      for (const path of readPaths) {
        const read = await http('GET', `${url()}${path}`, { headers: { origin } });
        expect({ path, status: read.status, allowed: read.headers.get('access-control-allow-origin'), vary: read.headers.get('vary') }).toEqual({ path, status: 200, allowed: origin, vary: 'origin' });
      }
    }
    const read = await http('GET', `${url()}/kv/a`, { headers: { origin: `http://${ADVERTISED}` } });
    expect(read.headers.get('access-control-expose-headers')).toContain('x-swarmkv-replicas');
  });

  test('a foreign origin gets no CORS headers, and neither does a request without an Origin', async () => {
    for (const path of readPaths) {
      const foreign = await http('GET', `${url()}${path}`, { headers: { origin: FOREIGN } });
      expect({ path, status: foreign.status, allowed: foreign.headers.get('access-control-allow-origin') }).toEqual({ path, status: 200, allowed: null });
      expect((await http('GET', `${url()}${path}`)).headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  test('a preflight allows GET from a member origin only', async () => {
    const allowed = await preflight(`${url()}/cluster/members`, `http://${ADVERTISED}`, 'GET');
    expect({ status: allowed.status, origin: allowed.headers.get('access-control-allow-origin'), methods: allowed.headers.get('access-control-allow-methods') }).toEqual({
      status: 204,
      origin: `http://${ADVERTISED}`,
      methods: 'GET, HEAD',
    });
    expect(Number(allowed.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    for (const [origin, method, path] of [
      [FOREIGN, 'GET', '/cluster/members'],
      [`http://${ADVERTISED}`, 'PUT', '/kv/a'],
      [`http://${ADVERTISED}`, 'DELETE', '/kv/a'],
      [`http://${ADVERTISED}`, 'POST', '/kv'],
    ] as const) {
      const refused = await preflight(`${url()}${path}`, origin, method);
      expect({ origin, method, status: refused.status, allowed: refused.headers.get('access-control-allow-origin') }).toEqual({ origin, method, status: 204, allowed: null });
    }
  });

  test('state-changing routes never answer with CORS headers, even to a member origin', async () => {
    const origin = `http://${ADVERTISED}`;
    const writes = [
      await http('PUT', `${url()}/kv/b`, { json: { value: 1 }, headers: { origin } }),
      await http('POST', `${url()}/kv`, { json: { value: 1 }, headers: { origin } }),
      await http('DELETE', `${url()}/kv/b`, { headers: { origin } }),
      await http('POST', `${url()}/cluster/repair`, { headers: { origin }, contentType: null }),
    ];
    expect(writes.map((write) => write.headers.get('access-control-allow-origin'))).toEqual([null, null, null, null]);
    expect(writes.slice(0, 3).map((write) => write.status)).toEqual([200, 201, 204]);
  });
});
