// API tokens and roles on a real node: the role matrix over every route of the node's own OpenAPI
// document (no token, each role, a revoked token), token management through the CLI, the token never
// stored or logged in clear, protected mode, and the Host and Origin checks against browser attacks.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliToExit, stopBounded, useNode } from './support/node-lifecycle';
import { http, removeDataDir, spawnNode } from './support/spawn-node';

const ADMIN_TOKEN = 'test-admin-token-6f1d2c9b8a7e4d3c';
const secretsDir = mkdtempSync(join(tmpdir(), 'swarmkv-access-'));
const adminTokenFile = join(secretsDir, 'admin-token');
writeFileSync(adminTokenFile, `${ADMIN_TOKEN}\n`);
afterAll(() => rmSync(secretsDir, { recursive: true, force: true }));

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
type Caller = 'none' | 'read' | 'write' | 'admin' | 'revoked';
const RANK: Record<string, number> = { none: 0, read: 1, write: 2, admin: 3 };

/**
 * What each route needs, written out here independently of the node's code: the OpenAPI document must
 * say the same (x-swarmkv-role), and the node must behave so. A route missing from this table fails.
 */
const EXPECTED_ROLE: Record<string, string> = {
  'GET /kv/{key}': 'read',
  'PUT /kv/{key}': 'write',
  'DELETE /kv/{key}': 'write',
  'POST /kv': 'write',
  'GET /kv': 'read',
  'GET /cluster/members': 'read',
  'GET /cluster/ring': 'read',
  'GET /cluster/ring/what-if': 'read',
  'GET /cluster/health': 'read',
  'GET /cluster/locate/{key}': 'read',
  'GET /cluster/local/{key}': 'read',
  'POST /cluster/repair': 'admin',
  'GET /cluster/repair': 'read',
  'POST /cluster/leave': 'admin',
  'GET /cluster/leave': 'read',
  'POST /cluster/members/{nodeId}/remove': 'admin',
  'GET /cluster/rebalance': 'read',
  'GET /health': 'none',
  'GET /health/live': 'none',
  'GET /health/ready': 'none',
  'GET /metrics': 'read',
  'GET /access': 'none',
  'POST /tokens': 'admin',
  'GET /tokens': 'admin',
  'DELETE /tokens/{id}': 'admin',
  'GET /cluster/explain/{key}': 'read',
  'GET /cluster/events': 'read',
  'GET /stats': 'read',
  'GET /chaos': 'admin',
  'POST /chaos/partition': 'admin',
  'DELETE /chaos/partition': 'admin',
  'POST /chaos/delay': 'admin',
  'POST /chaos/pause': 'admin',
  'POST /chaos/skew': 'admin',
  'POST /chaos/kill': 'admin',
};

const BODIES: Record<string, unknown> = { 'PUT /kv/{key}': { value: 1 }, 'POST /kv': { value: 1 }, 'POST /tokens': { role: 'read', label: 'matrix' } };

async function createToken(url: string, role: string): Promise<{ id: string; token: string }> {
  const reply = await http('POST', `${url}/tokens`, { json: { role, label: `test ${role}` }, headers: bearer(ADMIN_TOKEN) });
  expect(reply.status).toBe(201);
  return reply.body;
}

describe('tokens and roles', () => {
  const node = useNode({ args: ['--memory', '--admin-token-file', adminTokenFile] });
  const tokens: Record<Caller, string | undefined> = { none: undefined, read: undefined, write: undefined, admin: ADMIN_TOKEN, revoked: undefined };
  let revokedId = '';

  beforeAll(async () => {
    tokens.read = (await createToken(node().url, 'read')).token;
    tokens.write = (await createToken(node().url, 'write')).token;
    const revoked = await createToken(node().url, 'admin');
    tokens.revoked = revoked.token;
    revokedId = revoked.id;
    expect((await http('DELETE', `${node().url}/tokens/${revokedId}`, { headers: bearer(ADMIN_TOKEN) })).status).toBe(204);
  });

  test('every route of the OpenAPI document, called with no token, each role and a revoked token', async () => {
    const document = (await http('GET', `${node().url}/swagger/json`)).body;
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    const routes = Object.entries(document.paths as Record<string, Record<string, { 'x-swarmkv-role': string; security: unknown[] }>>).flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, path, method: method.toUpperCase(), operation })),
    );
    expect(routes.length).toBeGreaterThan(10);
    const outcomes: string[] = [];
    for (const { route, path, method, operation } of routes) {
      const needed = EXPECTED_ROLE[route];
      expect(needed, `${route} is not in the expected role table`).toBeDefined();
      expect(operation['x-swarmkv-role'], route).toBe(needed ?? 'missing');
      expect(operation.security, route).toEqual(needed === 'none' ? [] : [{ bearerAuth: [] }]);
      const target = path.replace('{key}', 'matrix-key').replace('{id}', '0123456789abcdef').replace('{nodeId}', '0123456789abcdef');
      for (const caller of ['none', 'read', 'write', 'admin', 'revoked'] as const) {
        const token = tokens[caller];
        const reply = await http(method, `${node().url}${target}`, { ...(BODIES[route] === undefined ? {} : { json: BODIES[route] }), headers: token === undefined ? {} : bearer(token) });
        const expected = needed === 'none' ? 'open' : caller === 'none' || caller === 'revoked' ? 401 : RANK[caller]! >= RANK[needed!]! ? 'allowed' : 403;
        const actual = reply.status === 401 || reply.status === 403 ? reply.status : 'allowed';
        outcomes.push(`${route} as ${caller}: ${reply.status}`);
        expect(actual, `${route} as ${caller}: ${reply.status} ${reply.text.slice(0, 200)}`).toBe(expected === 'open' ? 'allowed' : expected);
        expect(reply.status, route).toBeLessThan(500);
        if (actual === 401) expect(reply.body.error).toBe('unauthorized');
        if (actual === 403) expect(reply.body.error).toBe('forbidden');
      }
    }
    console.log(outcomes.join('\n'));
  }, 60_000);

  test('GET /access says what the sent token may do, without needing one', async () => {
    expect((await http('GET', `${node().url}/access`)).body).toEqual({ enforcing: true, role: null });
    expect((await http('GET', `${node().url}/access`, { headers: bearer(tokens.write!) })).body).toEqual({ enforcing: true, role: 'write' });
    expect((await http('GET', `${node().url}/access`, { headers: bearer(tokens.revoked!) })).body).toEqual({ enforcing: true, role: null });
  });

  test('a 401 names the scheme; a token sent any other way than Bearer is not one', async () => {
    const reply = await http('GET', `${node().url}/kv/a`, { headers: { authorization: `Basic ${ADMIN_TOKEN}` } });
    expect(reply.status).toBe(401);
    expect(reply.headers.get('www-authenticate')).toContain('Bearer');
  });

  test('user keys cannot reach the system keyspace, and listings never show it', async () => {
    const reply = await http('PUT', `${node().url}/kv/${encodeURIComponent('\u0000swarmkv/token/x')}`, { json: { value: 1 }, headers: bearer(ADMIN_TOKEN) });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toBe('invalid_key');
    const listing = await http('GET', `${node().url}/kv?limit=1000`, { headers: bearer(ADMIN_TOKEN) });
    expect(listing.body.items.every((item: { key: string }) => !item.key.startsWith('\u0000'))).toBe(true);
  });

  test('swarmkv token create | ls | revoke, with --token; the token is neither logged nor listed', async () => {
    const created = await runCliToExit(['token', 'create', '--role', 'write', '--label', 'cli', '--url', node().url, '--token', ADMIN_TOKEN, '--json']);
    expect(created.code).toBe(0);
    const issued = JSON.parse(created.stdout) as { id: string; token: string; role: string };
    expect(issued.role).toBe('write');
    expect(issued.token).toMatch(/^skv_/);
    const put = await runCliToExit(['put', 'via-cli', '1', '--url', node().url, '--token', issued.token]);
    expect(put.code).toBe(0);
    const refused = await runCliToExit(['put', 'via-cli', '1', '--url', node().url]);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('unauthorized');
    const listed = await runCliToExit(['token', 'ls', '--url', node().url, '--token', ADMIN_TOKEN]);
    expect(listed.stdout).toContain(issued.id);
    expect(listed.stdout).not.toContain(issued.token);
    expect((await runCliToExit(['token', 'revoke', issued.id, '--url', node().url, '--token', ADMIN_TOKEN])).code).toBe(0);
    const afterRevoke = await http('GET', `${node().url}/kv/via-cli`, { headers: bearer(issued.token) });
    expect(afterRevoke.status).toBe(401);
    const log = JSON.stringify(node().events);
    expect(log).toContain('token.created');
    expect(log).not.toContain(issued.token);
    expect(log).not.toContain(ADMIN_TOKEN);
  }, 30_000);

  test('swarmkv status asks every member for its hints with the same token', async () => {
    const status = await runCliToExit(['status', '--url', node().url, '--token', ADMIN_TOKEN, '--json']);
    expect(status.code).toBe(0);
    const { members } = JSON.parse(status.stdout) as { members: { self: boolean; pendingHints: number | null }[] };
    expect(members.find((member) => member.self)?.pendingHints).toBe(0);
  });
});

describe('tokens on a durable node', () => {
  const node = useNode({ args: ['--admin-token-file', adminTokenFile] });

  test('the store keeps the token’s SHA-256, never the token', async () => {
    const { token } = await createToken(node().url, 'read');
    expect((await http('GET', `${node().url}/kv/x`, { headers: bearer(token) })).status).toBe(404);
    const needle = Buffer.from(token.slice(4));
    for (const file of readdirSync(node().dataDir, { recursive: true, withFileTypes: true })) {
      if (!file.isFile()) continue;
      expect(readFileSync(join(file.parentPath, file.name)).includes(needle), file.name).toBe(false);
    }
  });

  test('tokens are listed and revoked, and keys listed beside them (LMDB once read a token’s key back as an array)', async () => {
    const admin = bearer(ADMIN_TOKEN);
    const issued = await createToken(node().url, 'write');
    expect((await http('PUT', `${node().url}/kv/listed`, { json: { value: 1 }, headers: bearer(issued.token) })).status).toBe(200);
    const listed = await http('GET', `${node().url}/tokens`, { headers: admin });
    expect(listed.body.tokens.map((token: { id: string }) => token.id)).toContain(issued.id);
    expect((await http('GET', `${node().url}/kv`, { headers: admin })).body.items.map((item: { key: string }) => item.key)).toContain('listed');
    expect((await http('DELETE', `${node().url}/tokens/${issued.id}`, { headers: admin })).status).toBe(204);
    expect((await http('GET', `${node().url}/tokens`, { headers: admin })).body.tokens.map((token: { id: string }) => token.id)).not.toContain(issued.id);
  });
});

describe('protected mode', () => {
  test('a non-loopback HTTP API without tokens refuses to start, saying how to configure one', async () => {
    const run = await runCliToExit(['node', '--memory', '--port', '0', '--http-host', '0.0.0.0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('protected mode');
    expect(run.stderr).toContain('SWARMKV_ADMIN_TOKEN');
    expect(run.stderr).toContain('--insecure');
  });

  test('--insecure serves it open, and --http-host keeps the API apart from --host', async () => {
    const node = await spawnNode({ args: ['--memory', '--http-host', '0.0.0.0', '--insecure'] });
    try {
      expect(node.url).toStartWith('http://0.0.0.0:');
      expect((await http('GET', `http://127.0.0.1:${new URL(node.url).port}/kv`)).status).toBe(200);
    } finally {
      await stopBounded(node);
      removeDataDir(node.dataDir);
    }
  });
});

describe('browser-side checks on an open loopback node', () => {
  const node = useNode({ args: ['--memory', '--allowed-hosts', 'kv.internal.example'] });
  const hostAndPort = () => new URL(node().url).host;
  const port = () => new URL(node().url).port;

  test('without tokens a loopback node is open, as before', async () => {
    expect((await http('PUT', `${node().url}/kv/open`, { json: { value: 1 } })).status).toBe(200);
  });

  test('DNS rebinding: a Host that is not one of the node’s names is refused with 421', async () => {
    const reply = await http('GET', `${node().url}/kv/open`, { headers: { host: `attacker.example:${port()}` } });
    expect(reply.status).toBe(421);
    expect(reply.body.error).toBe('misdirected_request');
    expect(reply.text).not.toContain('"value"');
  });

  test('loopback names, IP literals (published ports, container addresses) and --allowed-hosts pass', async () => {
    expect((await http('PUT', `${node().url}/kv/open`, { json: { value: 1 } })).status).toBe(200);
    for (const host of [hostAndPort(), '127.0.0.1:7070', `localhost:${port()}`, '[::1]:7070', '172.17.0.2:7070', `kv.internal.example:${port()}`]) {
      expect((await http('GET', `${node().url}/kv/open`, { headers: { host } })).status, host).toBe(200);
    }
  });

  test('a state-changing request from a foreign Origin is refused; same origin and no origin pass', async () => {
    const foreign = await http('POST', `${node().url}/cluster/repair`, { headers: { origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toMatchObject({ error: 'forbidden', reason: 'foreign_origin' });
    for (const origin of ['null', `http://localhost:${Number(port()) + 1}`]) {
      expect((await http('PUT', `${node().url}/kv/open`, { json: { value: 2 }, headers: { origin } })).status, origin).toBe(403);
    }
    expect((await http('PUT', `${node().url}/kv/open`, { json: { value: 3 }, headers: { origin: `http://${hostAndPort()}` } })).status).toBe(200);
    expect((await http('PUT', `${node().url}/kv/open`, { json: { value: 4 }, headers: { origin: 'https://kv.internal.example' } })).status).toBe(200);
    expect((await http('PUT', `${node().url}/kv/open`, { json: { value: 5 } })).status).toBe(200);
    expect((await http('GET', `${node().url}/kv/open`, { headers: { origin: 'http://evil.example' } })).body.value).toBe(5);
  });
});
