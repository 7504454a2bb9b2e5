// The HTTP API over TLS (--tls-cert, --tls-key): a certificate made here by openssl for 127.0.0.1, a
// node serving HTTPS with it, and the CLI trusting it through Node's NODE_EXTRA_CA_CERTS.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliToExit, stopBounded } from './support/node-lifecycle';
import { removeDataDir, spawnNode, type SpawnedNode } from './support/spawn-node';

const CLI_DEADLINE_MS = 15_000;
const dir = mkdtempSync(join(tmpdir(), 'swarmkv-tls-'));
const certFile = join(dir, 'cert.pem');
const keyFile = join(dir, 'key.pem');

describe('HTTPS', () => {
  let node: SpawnedNode;

  beforeAll(async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
    node = await spawnNode({ args: ['--memory', '--tls-cert', certFile, '--tls-key', keyFile] });
  }, 30_000);

  afterAll(async () => {
    await stopBounded(node);
    removeDataDir(node.dataDir);
    rmSync(dir, { recursive: true, force: true });
  });

  test('the node serves its API over TLS, verified against the certificate', async () => {
    expect(node.url).toStartWith('https://127.0.0.1:');
    const tls = { ca: readFileSync(certFile, 'utf8') };
    const put = await fetch(`${node.url}/kv/secure`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"value":"over tls"}', tls });
    expect(put.status).toBe(200);
    const read = await fetch(`${node.url}/kv/secure`, { tls });
    expect(((await read.json()) as { value: string }).value).toBe('over tls');
    // Plain HTTP on the TLS port is not served.
    await expect(fetch(node.url.replace('https:', 'http:') + '/health')).rejects.toThrow();
  });

  test('the CLI works over https:// with the certificate trusted, and refuses it otherwise', async () => {
    const trusted = await runCliToExit(['get', 'secure', '--url', node.url], CLI_DEADLINE_MS, { NODE_EXTRA_CA_CERTS: certFile });
    expect(trusted.stderr).toBe('');
    expect(trusted.stdout.trim()).toBe('"over tls"');
    const untrusted = await runCliToExit(['get', 'secure', '--url', node.url], CLI_DEADLINE_MS);
    expect(untrusted.code).toBe(3);
  }, 2 * CLI_DEADLINE_MS);
});
