import { expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, resolveNodeConfig } from './config';
import type { HostMachine } from './host-machine';
import { KEY_BYTES_MAX_CEILING } from './limits';

test('defaults are complete and valid', () => {
  expect(resolveNodeConfig({})).toMatchObject({ port: 7070, host: '127.0.0.1', name: 'node-7070', dataDir: './data/node-7070', syncPolicy: 'flush', keyBytesMax: 1024 });
});

test.each([
  ['a port out of range', { port: 70000 }],
  ['a key limit above LMDB’s', { keyBytesMax: KEY_BYTES_MAX_CEILING + 1 }],
  ['a zero key limit', { keyBytesMax: 0 }],
  ['an unknown sync policy', { syncPolicy: 'sometimes' as 'flush' }],
  ['an unknown log level', { logLevel: 'loud' as 'info' }],
  ['a zero value limit', { valueBytesMax: 0 }],
])('refuses %s at start-up', (_name, overrides) => {
  expect(() => resolveNodeConfig(overrides)).toThrow(ConfigError);
});

const SECRET = 'correct horse battery staple';

test('hint bounds default to 100,000 hints and 256 MiB, and the smallest byte bound fits one largest record', () => {
  expect(resolveNodeConfig({})).toMatchObject({ hintsMax: 100_000, hintBytesMax: 256 * 1024 * 1024 });
  expect(resolveNodeConfig({ valueBytesMax: 1000, keyBytesMax: 100, hintBytesMax: 1164, hintsMax: 1 })).toMatchObject({ hintBytesMax: 1164, hintsMax: 1 });
});

test('without a secret a node is standalone', () => {
  expect(resolveNodeConfig({}).secret).toBeUndefined();
  expect(resolveNodeConfig({ bootstrap: ['127.0.0.1:49737'], secret: SECRET }).secret).toBe(SECRET);
});

test('advertise defaults to the bind address and port', () => {
  expect(resolveNodeConfig({ host: '10.0.0.2', port: 8000, insecure: true }).advertise).toBe('10.0.0.2:8000');
});

const container: HostMachine = { hostname: '4f1c2a9b3d7e', externalAddresses: ['172.18.0.5', '10.1.0.9'] };

test('on all interfaces a node advertises its first address other than loopback, as a container does its own', () => {
  expect(resolveNodeConfig({ host: '0.0.0.0', insecure: true }, container).advertise).toBe('172.18.0.5:7070');
  expect(resolveNodeConfig({ host: '0.0.0.0', insecure: true, advertise: 'kv.example:80' }, container).advertise).toBe('kv.example:80');
  expect(resolveNodeConfig({ host: '0.0.0.0', insecure: true, port: 8000 }, { hostname: 'box', externalAddresses: [] }).advertise).toBe('127.0.0.1:8000');
});

test('default names: node-<port> on loopback, <hostname>-<port> where other machines or containers meet', () => {
  expect(resolveNodeConfig({ port: 7071 }, container)).toMatchObject({ name: 'node-7071', dataDir: './data/node-7071' });
  expect(resolveNodeConfig({ host: '0.0.0.0', insecure: true }, container)).toMatchObject({ name: '4f1c2a9b3d7e-7070', dataDir: './data/4f1c2a9b3d7e-7070' });
  expect(resolveNodeConfig({ host: '10.0.0.2', insecure: true }, container).name).toBe('4f1c2a9b3d7e-7070');
  expect(resolveNodeConfig({ host: '0.0.0.0', insecure: true, name: 'n1' }, container).name).toBe('n1');
  const longName = resolveNodeConfig({ host: '0.0.0.0', insecure: true }, { hostname: 'h'.repeat(253), externalAddresses: [] }).name;
  expect(longName).toHaveLength(64);
  expect(longName.endsWith('-7070')).toBe(true);
});

test.each([
  ['bootstrap without a secret', { bootstrap: ['127.0.0.1:49737'] }, 'needs its secret'],
  ['a secret but no way to find the DHT', { secret: SECRET }, 'needs --bootstrap'],
  ['a short secret', { secret: 'short', dhtPort: 49737 }, 'at least 16'],
  ['both the public DHT and a bootstrap', { secret: SECRET, publicDht: true, bootstrap: ['127.0.0.1:1'] }, 'exclude each other'],
  ['a malformed bootstrap entry', { secret: SECRET, bootstrap: ['localhost'] }, 'host:port'],
  ['a zero replication factor', { replicas: 0 }, '--replicas'],
  ['an unknown consistency', { readConsistency: 'most' as 'one' }, '--read-consistency'],
  ['an unknown profile', { profile: 'moon' as 'lan' }, '--profile'],
  ['no room for any hint', { hintsMax: 0 }, '--hints-max'],
  ['a hint count above the ceiling', { hintsMax: 10_000_001 }, '--hints-max'],
  ['a hint byte bound below one largest key and value', { valueBytesMax: 1000, keyBytesMax: 100, hintBytesMax: 1100 }, '--hint-bytes-max'],
  ['a hint byte bound above a quarter of the LMDB map', { hintBytesMax: 17 * 1024 ** 3 }, '--hint-bytes-max'],
])('refuses %s with a message naming the fix', (_name, overrides, message) => {
  expect(() => resolveNodeConfig(overrides)).toThrow(message);
});

test('the secret and the admin token can come from files, so neither shows in `ps`', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swarmkv-config-'));
  try {
    writeFileSync(join(dir, 'secret'), `${SECRET}\n`);
    writeFileSync(join(dir, 'token'), 'an-admin-token-of-enough-length\n');
    const config = resolveNodeConfig({ secretFile: join(dir, 'secret'), adminTokenFile: join(dir, 'token'), dhtPort: 49737 });
    expect(config.secret).toBe(SECRET);
    expect(config.adminToken).toBe('an-admin-token-of-enough-length');
    expect(() => resolveNodeConfig({ secretFile: join(dir, 'missing') })).toThrow('--secret-file');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('protected mode: a non-loopback HTTP API needs an admin token or --insecure; loopback stays open', () => {
  expect(() => resolveNodeConfig({ host: '0.0.0.0' })).toThrow('protected mode');
  expect(() => resolveNodeConfig({ httpHost: '10.0.0.5' })).toThrow('SWARMKV_ADMIN_TOKEN');
  expect(resolveNodeConfig({ host: '0.0.0.0', insecure: true }).insecure).toBe(true);
  expect(resolveNodeConfig({ host: '0.0.0.0', adminToken: 'an-admin-token-of-enough-length' }).adminToken).toBeDefined();
  expect(resolveNodeConfig({ host: '0.0.0.0', httpHost: '127.0.0.1' }).httpHost).toBe('127.0.0.1');
  for (const host of ['127.0.0.1', '127.3.2.1', 'localhost', '::1', '[::1]']) expect(resolveNodeConfig({ httpHost: host }).adminToken).toBeUndefined();
  expect(() => resolveNodeConfig({ adminToken: 'short' })).toThrow('at least 24 characters');
});

test('a clustered node refuses anti-entropy passes that come no more often than tombstones are collected, naming both options and the rule', () => {
  const clustered = { secret: SECRET, dhtPort: 49737 };
  const refusal = () => resolveNodeConfig({ ...clustered, antiEntropyIntervalMs: 60_000, tombstoneGraceMs: 60_000 });
  expect(refusal).toThrow(ConfigError);
  expect(refusal).toThrow(/--anti-entropy-interval-ms \(60000\) must be shorter than --tombstone-grace-ms \(60000\) on a clustered node/);
  expect(refusal).toThrow(/before the other replicas collect the tombstone/);
  expect(resolveNodeConfig({ ...clustered, antiEntropyIntervalMs: 59_999, tombstoneGraceMs: 60_000 }).antiEntropyIntervalMs).toBe(59_999);
  // 0 runs passes only on POST /cluster/repair; a standalone node runs none at all.
  expect(resolveNodeConfig({ ...clustered, antiEntropyIntervalMs: 0, tombstoneGraceMs: 1000 }).antiEntropyIntervalMs).toBe(0);
  expect(resolveNodeConfig({ antiEntropyIntervalMs: 60_000, tombstoneGraceMs: 1000 }).tombstoneGraceMs).toBe(1000);
});
