// The environment rule on its own: every `swarmkv node` flag through its variable into the node's
// configuration, flag > environment > default, booleans, and errors that name the variable.
import { afterAll, describe, expect, test } from 'bun:test';
import { parseArgs, type ArgsDef } from 'citty';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFields, resolveNodeConfig, type NodeConfig } from '../../node/src';
import { bootstrapCommand } from './commands/bootstrap';
import { nodeArgs, overridesFrom } from './commands/node';
import { upCommand } from './commands/up';
import { argumentsWithEnvironment, configurableFromEnvironment, environmentVariableName, withoutOptionVariables } from './environment-variables';
import { CliFailure, exitCodes } from './exit-codes';

const SECRET = 'correct horse battery staple';

/** For each field: a valid value unlike its default, as the variable's text, and the other variables it needs. */
const secretsDir = mkdtempSync(join(tmpdir(), 'swarmkv-env-'));
const secretFile = join(secretsDir, 'secret');
const adminTokenFile = join(secretsDir, 'admin-token');
writeFileSync(secretFile, SECRET);
writeFileSync(adminTokenFile, 'an-admin-token-of-enough-length');
afterAll(() => rmSync(secretsDir, { recursive: true, force: true }));

/** adminToken is no flag: it comes from $SWARMKV_ADMIN_TOKEN or --admin-token-file only. */
const samples: Record<Exclude<keyof NodeConfig, 'adminToken'>, { text: string; value: unknown; companions?: Record<string, string> }> = {
  port: { text: '8123', value: 8123 },
  host: { text: '127.0.0.2', value: '127.0.0.2' },
  advertise: { text: 'kv.example:9000', value: 'kv.example:9000' },
  name: { text: 'edge-1', value: 'edge-1' },
  dataDir: { text: '/var/lib/swarmkv', value: '/var/lib/swarmkv' },
  memory: { text: 'true', value: true },
  syncPolicy: { text: 'commit', value: 'commit' },
  keyBytesMax: { text: '200', value: 200 },
  valueBytesMax: { text: '4096', value: 4096 },
  logLevel: { text: 'warn', value: 'warn' },
  cluster: { text: 'blue', value: 'blue' },
  secret: { text: SECRET, value: SECRET, companions: { SWARMKV_DHT_PORT: '49737' } },
  bootstrap: { text: '10.0.0.5:49737,10.0.0.6:49737', value: ['10.0.0.5:49737', '10.0.0.6:49737'], companions: { SWARMKV_SECRET: SECRET } },
  publicDht: { text: 'yes', value: true, companions: { SWARMKV_SECRET: SECRET } },
  dhtPort: { text: '49738', value: 49738 },
  replicas: { text: '5', value: 5 },
  tokensPerNode: { text: '16', value: 16 },
  readConsistency: { text: 'one', value: 'one' },
  writeConsistency: { text: 'all', value: 'all' },
  profile: { text: 'wan', value: 'wan' },
  tombstoneGraceMs: { text: '3600000', value: 3_600_000 },
  clockOffsetMs: { text: '-250', value: -250 },
  maxClockOffsetMs: { text: '2000', value: 2000 },
  chaos: { text: '1', value: true },
  supervised: { text: 'true', value: true },
  antiEntropyIntervalMs: { text: '0', value: 0 },
  cleanupGraceMs: { text: '30000', value: 30_000 },
  hintsMax: { text: '500', value: 500 },
  hintBytesMax: { text: '10000000', value: 10_000_000 },
  httpHost: { text: '127.0.0.3', value: '127.0.0.3' },
  secretFile: { text: secretFile, value: secretFile, companions: { SWARMKV_DHT_PORT: '49737' } },
  adminTokenFile: { text: adminTokenFile, value: adminTokenFile },
  insecure: { text: 'true', value: true },
  allowedHosts: { text: 'kv.example,kv2.example', value: ['kv.example', 'kv2.example'] },
  tlsCert: { text: '/etc/swarmkv/cert.pem', value: '/etc/swarmkv/cert.pem', companions: { SWARMKV_TLS_KEY: '/etc/swarmkv/key.pem' } },
  tlsKey: { text: '/etc/swarmkv/key.pem', value: '/etc/swarmkv/key.pem', companions: { SWARMKV_TLS_CERT: '/etc/swarmkv/cert.pem' } },
  memoryBytesMax: { text: '50000000', value: 50_000_000 },
};

/** The node configuration `swarmkv node <rawArgs>` would run with, in this environment. */
function nodeConfigFrom(rawArgs: string[], environment: Record<string, string>): NodeConfig {
  const { args } = argumentsWithEnvironment(nodeArgs, rawArgs, parseArgs(rawArgs, nodeArgs), environment);
  return resolveNodeConfig(overridesFrom(args));
}

test('the variable is SWARMKV_ and the long name in UPPER_SNAKE', () => {
  expect(environmentVariableName('--key-bytes-max')).toBe('SWARMKV_KEY_BYTES_MAX');
  expect(environmentVariableName('port')).toBe('SWARMKV_PORT');
  expect(environmentVariableName('--anti-entropy-interval-ms')).toBe('SWARMKV_ANTI_ENTROPY_INTERVAL_MS');
});

test('every node flag has a sample here', () => {
  expect(Object.keys(samples).sort()).toEqual(configFields.map((field) => field.name).sort());
});

test.each(configFields.map((field) => [field.flag, field] as const))('%s is set by its variable', (_flag, field) => {
  const sample = samples[field.name as Exclude<keyof NodeConfig, 'adminToken'>];
  const environment = { ...sample.companions, [environmentVariableName(field.flag)]: sample.text };
  const value: unknown = nodeConfigFrom([], environment)[field.name];
  expect(value).toEqual(sample.value);
  expect(value).not.toEqual(resolveNodeConfig({})[field.name]);
});

describe('precedence: flag > environment > default', () => {
  test('a flag wins over its variable, in either flag form', () => {
    expect(nodeConfigFrom(['--port', '8000'], { SWARMKV_PORT: '9000' }).port).toBe(8000);
    expect(nodeConfigFrom(['--port=8000'], { SWARMKV_PORT: '9000' }).port).toBe(8000);
    expect(nodeConfigFrom(['--no-memory'], { SWARMKV_MEMORY: 'true' }).memory).toBe(false);
    expect(nodeConfigFrom(['--memory'], { SWARMKV_MEMORY: 'false' }).memory).toBe(true);
  });

  test('a variable wins over the default, also where the default derives from other options', () => {
    const config = nodeConfigFrom(['--port', '8000'], { SWARMKV_NAME: 'edge-2', SWARMKV_HOST: '127.0.0.3' });
    expect(config).toMatchObject({ port: 8000, name: 'edge-2', host: '127.0.0.3', dataDir: './data/edge-2', advertise: '127.0.0.3:8000' });
  });

  test('an empty variable counts as unset; other variables are ignored', () => {
    expect(nodeConfigFrom([], { SWARMKV_PORT: '', SWARMKV_BOOTSTRAP: '', SWARMKV_PORTS: '1', PORT: '1' })).toMatchObject({ port: 7070, bootstrap: [] });
  });

  test('an alias counts as the flag it stands for', () => {
    const upArgs: ArgsDef = { nodes: { type: 'string', alias: 'n', default: '3' } };
    const resolved = (rawArgs: string[]) => argumentsWithEnvironment(upArgs, rawArgs, parseArgs(rawArgs, upArgs), { SWARMKV_NODES: '5' }).args.nodes;
    expect(resolved(['-n', '2'])).toBe('2');
    expect(resolved([])).toBe('5');
  });
});

test.each([
  ['1', true],
  ['TRUE', true],
  ['Yes', true],
  ['on', true],
  ['0', false],
  ['false', false],
  ['NO', false],
  ['off', false],
])('a boolean variable reads %s as %p', (text, value) => {
  expect(nodeConfigFrom([], { SWARMKV_MEMORY: text }).memory).toBe(value);
});

describe('bad values name their variable', () => {
  const command = configurableFromEnvironment(
    {
      args: { port: { type: 'string', default: '7070' }, secret: { type: 'string' }, memory: { type: 'boolean', default: false } },
      run({ args }) {
        if (!/^\d+$/.test(String(args.port))) throw new CliFailure(exitCodes.usage, `--port must be a whole number, got ${JSON.stringify(args.port)}`);
        if (args.secret !== undefined && args.secret.length < 16) throw new CliFailure(exitCodes.usage, '--secret must be at least 16 characters');
        throw new CliFailure(exitCodes.refused, `--port ${args.port} refused`);
      },
    },
    { SWARMKV_PORT: 'abc', SWARMKV_SECRET: 'hunter2' },
  );
  const failureOf = async (rawArgs: string[]) => {
    try {
      await command.run!({ rawArgs, args: parseArgs(rawArgs, command.args as ArgsDef), cmd: command });
    } catch (error) {
      return error as CliFailure;
    }
    throw new Error('expected a failure');
  };

  test('a usage error about an option from the environment starts with VARIABLE=value', async () => {
    expect((await failureOf([])).message).toBe('SWARMKV_PORT=abc: --port must be a whole number, got "abc"');
  });

  test('the same mistake on the command line is left as it was', async () => {
    expect((await failureOf(['--port', 'xyz'])).message).toBe('--port must be a whole number, got "xyz"');
  });

  test('a secret is never echoed, only its length', async () => {
    const failure = await failureOf(['--port', '1']);
    expect(failure.message).toBe('SWARMKV_SECRET (7 characters): --secret must be at least 16 characters');
    expect(failure.message).not.toContain('hunter2');
  });

  test('a boolean variable that is not one is refused', () => {
    expect(() => nodeConfigFrom([], { SWARMKV_MEMORY: 'maybe' })).toThrow('SWARMKV_MEMORY=maybe: --memory takes true or false');
  });

  test('errors other than usage errors pass through unchanged', async () => {
    const refused = configurableFromEnvironment({ args: { port: { type: 'string' } }, run: () => Promise.reject(new CliFailure(exitCodes.refused, '--port refused')) }, { SWARMKV_PORT: '1' });
    const failure = await refused.run!({ rawArgs: [], args: parseArgs([], refused.args as ArgsDef), cmd: refused }).catch((error: CliFailure) => error);
    expect(failure).toMatchObject({ exitCode: exitCodes.refused, message: '--port refused' });
  });
});

test('a child configured by flags gets none of the variables of those options', () => {
  const environment = withoutOptionVariables({ SWARMKV_DHT_PORT: '1', SWARMKV_SECRET: SECRET, SWARMKV_URL: 'x', PATH: '/bin' }, ['--dht-port', '--secret']);
  expect(environment).toEqual({ SWARMKV_URL: 'x', PATH: '/bin' });
});

describe('docs/configuration.md names every variable', () => {
  const configuration = readFileSync(join(import.meta.dir, '..', '..', 'docs', 'configuration.md'), 'utf8');

  test('the configuration table shows each node flag with its variable', () => {
    const rows = [...configuration.matchAll(/^\| `(--[a-z-]+)` \| `([A-Z_]+)` \|/gm)].map((match) => [match[1], match[2]]);
    expect(rows).toEqual(configFields.map(({ flag }) => [flag, environmentVariableName(flag)]));
  });

  test.each([
    ['bootstrap', bootstrapCommand],
    ['up', upCommand],
  ])('`swarmkv %s`: every option', (name, command) => {
    const paragraph = configuration.slice(configuration.indexOf(`\`swarmkv ${name}\`:`)).split(/\n\n|\n(?=`swarmkv )/)[0]!;
    const named = [...paragraph.matchAll(/`(SWARMKV_[A-Z_]+)`/g)].map((match) => match[1]);
    expect(new Set(named)).toEqual(new Set(Object.keys(command.args as object).map(environmentVariableName)));
  });
});
