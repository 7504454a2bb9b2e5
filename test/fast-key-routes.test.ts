// GET and PUT /kv/{key} are answered ahead of the framework when the request is the plain shape
// (node/src/api/fast-key-routes.ts); the same request sent another way (the key percent-encoded) goes
// through the application. Both must give the same answer: status, body and headers, refusals
// included, and be counted in the same route's metrics.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { useNode } from './support/node-lifecycle';
import { http } from './support/spawn-node';

const KEY_BYTES_MAX = 64;
const VALUE_BYTES_MAX = 256;
/** What may differ between two answers to the same request: the date, and the header order. */
const VARYING_HEADERS = new Set(['date']);

function headersOf(reply: { headers: Headers }): Record<string, string> {
  return Object.fromEntries([...reply.headers].filter(([name]) => !VARYING_HEADERS.has(name)).sort(([a], [b]) => a.localeCompare(b)));
}

/** A write's answer names the version it made: each write makes its own, of the same length. */
function withoutVersion(text: string): string {
  return text.replace(/"version":"[^"]*"/, '"version":"…"');
}

/** The plain target and one naming the same key that the fast path leaves to the application. */
function encodedLast(path: string): string {
  const [target, query] = path.split('?');
  const last = target!.at(-1)!;
  const encoded = `${target!.slice(0, -1)}%${last.charCodeAt(0).toString(16).toUpperCase()}`;
  return query === undefined ? encoded : `${encoded}?${query}`;
}

async function requestsTotal(url: string, status: number): Promise<number> {
  const metrics = (await http('GET', `${url}/metrics`)).text;
  const line = metrics.split('\n').find((text) => text.startsWith(`swarmkv_http_requests_total{method="GET",route="/kv/{key}",status="${status}"}`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

describe('a plain key read or write and the same request through the application answer alike', () => {
  const node = useNode({ args: ['--key-bytes-max', String(KEY_BYTES_MAX), '--value-bytes-max', String(VALUE_BYTES_MAX)] });

  const cases: [string, string, Record<string, string>, number][] = [
    ['an existing key', '/kv/stored', {}, 200],
    ['with a consistency', '/kv/stored?consistency=one', {}, 200],
    ['an absent key', '/kv/absent', {}, 404],
    ['a bad consistency', '/kv/stored?consistency=most', {}, 400],
    ['a repeated consistency', '/kv/stored?consistency=one&consistency=one', {}, 400],
    ['a key over the limit', `/kv/${'k'.repeat(KEY_BYTES_MAX + 1)}`, {}, 400],
    ['a foreign Host', '/kv/stored', { host: 'attacker.example' }, 421],
  ];
  for (const [name, path, headers, status] of cases) {
    test(name, async () => {
      expect((await http('PUT', `${node().url}/kv/stored`, { json: { value: { n: 1, text: 'ünïcode' } } })).status).toBe(200);
      const fast = await http('GET', `${node().url}${path}`, { headers });
      const application = await http('GET', `${node().url}${encodedLast(path)}`, { headers });
      expect(fast.status).toBe(status);
      expect(application.status).toBe(status);
      expect(fast.text).toBe(application.text);
      expect(headersOf(fast)).toEqual(headersOf(application));
    });
  }

  const writes: [string, string, { body: string; contentType?: string; headers?: Record<string, string> }, number][] = [
    ['a write', '/kv/written', { body: '{"value":{"n":1}}' }, 200],
    ['a write with a consistency', '/kv/written?consistency=one', { body: '{"value":2}' }, 200],
    ['a write with a +json type', '/kv/written', { body: '{"value":3}', contentType: 'application/merge-patch+json' }, 200],
    ['a body without a value', '/kv/written', { body: '{"v":1}' }, 400],
    ['a body that is not JSON', '/kv/written', { body: '{"value":' }, 400],
    ['a number JSON cannot keep exactly', '/kv/written', { body: '{"value":12345678901234567890}' }, 400],
    ['a body of another type', '/kv/written', { body: '{"value":1}', contentType: 'text/plain' }, 415],
    ['a value over the limit', '/kv/written', { body: JSON.stringify({ value: 'v'.repeat(VALUE_BYTES_MAX) }) }, 413],
    ['a write with a bad consistency', '/kv/written?consistency=most', { body: '{"value":1}' }, 400],
    ['a write to a key over the limit', `/kv/${'k'.repeat(KEY_BYTES_MAX + 1)}`, { body: '{"value":1}' }, 400],
    ['a write with a foreign Host', '/kv/written', { body: '{"value":1}', headers: { host: 'attacker.example' } }, 421],
  ];
  for (const [name, path, request, status] of writes) {
    test(name, async () => {
      const options = { body: request.body, contentType: request.contentType ?? 'application/json', headers: request.headers ?? {} };
      const fast = await http('PUT', `${node().url}${path}`, options);
      const application = await http('PUT', `${node().url}${encodedLast(path)}`, options);
      expect(fast.status).toBe(status);
      expect(application.status).toBe(status);
      expect(withoutVersion(fast.text)).toBe(withoutVersion(application.text));
      expect(headersOf(fast)).toEqual(headersOf(application));
      if (status === 200) expect((await http('GET', `${node().url}/kv/written`)).body.version).toBe(application.body.version);
    });
  }

  test('both are counted as GET /kv/{key}, and a refused Host as neither', async () => {
    const url = node().url;
    expect((await http('PUT', `${url}/kv/counted`, { json: { value: 1 } })).status).toBe(200);
    const before = { ok: await requestsTotal(url, 200), refused: await requestsTotal(url, 421) };
    for (const path of ['/kv/counted', '/kv/counte%64', '/kv/counted']) expect((await http('GET', `${url}${path}`)).status).toBe(200);
    expect((await http('GET', `${url}/kv/counted`, { headers: { host: 'attacker.example' } })).status).toBe(421);
    expect(await requestsTotal(url, 200)).toBe(before.ok + 3);
    expect(await requestsTotal(url, 421)).toBe(before.refused);
  });
});

describe('on a node that enforces tokens, the plain key routes check the token as the gate does', () => {
  const ADMIN_TOKEN = 'fast-routes-admin-token-3b9e1f0c7d';
  const secretsDir = mkdtempSync(join(tmpdir(), 'swarmkv-fast-tokens-'));
  const adminTokenFile = join(secretsDir, 'admin-token');
  writeFileSync(adminTokenFile, `${ADMIN_TOKEN}\n`);
  afterAll(() => rmSync(secretsDir, { recursive: true, force: true }));
  const node = useNode({ args: ['--memory', '--admin-token-file', adminTokenFile] });
  const issued: Record<string, string> = {};

  beforeAll(async () => {
    for (const role of ['read', 'write']) {
      const reply = await http('POST', `${node().url}/tokens`, { json: { role, label: `fast ${role}` }, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(reply.status).toBe(201);
      issued[role] = reply.body.token;
    }
    expect((await http('PUT', `${node().url}/kv/guarded`, { json: { value: 1 }, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(200);
  });

  const authorizationOf = (caller: string): Record<string, string> => {
    if (caller === 'none') return {};
    if (caller === 'basic') return { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` };
    if (caller === 'unknown') return { authorization: 'Bearer skv_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' };
    return { authorization: `Bearer ${caller === 'admin' ? ADMIN_TOKEN : issued[caller]}` };
  };
  const cases: [string, 'GET' | 'PUT', number][] = [
    ['none', 'GET', 401],
    ['basic', 'GET', 401],
    ['unknown', 'GET', 401],
    ['read', 'GET', 200],
    ['admin', 'GET', 200],
    ['none', 'PUT', 401],
    ['read', 'PUT', 403],
    ['write', 'PUT', 200],
    ['admin', 'PUT', 200],
  ];
  for (const [caller, method, status] of cases) {
    test(`${method} with ${caller === 'none' ? 'no token' : `a ${caller} token`}: ${status}`, async () => {
      const options = { headers: authorizationOf(caller), ...(method === 'PUT' ? { json: { value: 2 } } : {}) };
      const fast = await http(method, `${node().url}/kv/guarded`, options);
      const application = await http(method, `${node().url}${encodedLast('/kv/guarded')}`, options);
      expect(fast.status).toBe(status);
      expect(application.status).toBe(status);
      expect(withoutVersion(fast.text)).toBe(withoutVersion(application.text));
      expect(headersOf(fast)).toEqual(headersOf(application));
    });
  }

  test('a repeated Authorization header is left to the application, which refuses it', async () => {
    const url = new URL(node().url);
    const statusLine = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        const authorization = `authorization: Bearer ${ADMIN_TOKEN}\r\n`;
        socket.end(`GET /kv/guarded HTTP/1.1\r\nhost: ${url.host}\r\n${authorization}${authorization}connection: close\r\n\r\n`);
      });
      let received = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (received += chunk));
      socket.on('end', () => resolve(received.split('\r\n')[0]!));
      socket.on('error', reject);
    });
    expect(statusLine).toBe('HTTP/1.1 401 Unauthorized');
  });
});
