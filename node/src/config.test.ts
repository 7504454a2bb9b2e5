import { expect, test } from 'bun:test';
import { ConfigError, resolveNodeConfig } from './config';
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
