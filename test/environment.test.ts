// Configuration from the environment, as a platform uses it: the built CLI in child processes whose
// options come from SWARMKV_* variables. (cli/src/environment-variables.test.ts takes every node flag
// through its variable one by one; here the processes themselves.)

import { describe, expect, test } from 'bun:test';
import { freeTcpPort } from './support/free-ports';
import { runCli, runCliToExit, STOP_DEADLINE_MS, waitForExit, waitUntil, type RunningCli } from './support/node-lifecycle';
import { http } from './support/spawn-node';

const START_MS_MAX = 30_000;
const STOP_MS_MAX = 15_000;

const events = (running: RunningCli) =>
  running
    .stdout()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** Runs until its first log line with this event, then SIGTERM; the event's fields and the exit code. */
async function firstEventThenStop(running: RunningCli, event: string, whileRunning: (line: Record<string, unknown>) => Promise<void> = async () => {}) {
  try {
    await waitUntil(event, () => events(running).some((line) => line.event === event), START_MS_MAX);
    const line = events(running).find((candidate) => candidate.event === event)!;
    await whileRunning(line);
    running.child.kill('SIGTERM');
    expect(await waitForExit(running.child, STOP_MS_MAX)).toBe(true);
    return { line, code: running.child.exitCode };
  } finally {
    running.child.kill('SIGKILL');
  }
}

describe('swarmkv node', () => {
  const fromEnvironment = { SWARMKV_PORT: '0', SWARMKV_MEMORY: 'true', SWARMKV_NAME: 'from-env', SWARMKV_KEY_BYTES_MAX: '8', SWARMKV_LOG_LEVEL: 'info' };

  test('runs configured by its variables alone', async () => {
    const node = runCli(['node'], fromEnvironment);
    const { line, code } = await firstEventThenStop(node, 'node.listening', async ({ url }) => {
      const health = await http('GET', `${url}/health`);
      expect(health.body).toMatchObject({ name: 'from-env', storage: { engine: 'memory' } });
      expect((await http('PUT', `${url}/kv/12345678`, { json: { value: 1 } })).status).toBe(200);
      expect((await http('PUT', `${url}/kv/123456789`, { json: { value: 1 } })).body.error).toBe('invalid_key');
    });
    expect(line).toMatchObject({ node: 'from-env', engine: 'memory', dataDir: null });
    expect(code).toBe(0);
  }, START_MS_MAX + STOP_MS_MAX);

  test('a flag wins over its variable', async () => {
    const node = runCli(['node', '--name', 'from-flag', '--key-bytes-max', '20'], fromEnvironment);
    const { line } = await firstEventThenStop(node, 'node.listening', async ({ url }) => {
      expect((await http('PUT', `${url}/kv/123456789`, { json: { value: 1 } })).status).toBe(200);
    });
    expect(line.node).toBe('from-flag');
  }, START_MS_MAX + STOP_MS_MAX);

  test.each([
    [{ SWARMKV_PORT: 'abc' }, 'SWARMKV_PORT=abc: --port must be a whole number'],
    [{ SWARMKV_PORT: '70000' }, 'SWARMKV_PORT=70000: --port must be an integer 0..65535'],
    [{ SWARMKV_REPLICAS: '0' }, 'SWARMKV_REPLICAS=0: --replicas must be'],
    [{ SWARMKV_MEMORY: 'maybe' }, 'SWARMKV_MEMORY=maybe: --memory takes true or false'],
    [{ SWARMKV_SYNC: 'sometimes' }, 'SWARMKV_SYNC=sometimes: --sync must be flush or commit'],
    [{ SWARMKV_BOOTSTRAP: 'nowhere', SWARMKV_SECRET: 'correct horse battery staple' }, 'SWARMKV_BOOTSTRAP=nowhere: --bootstrap entries must be host:port'],
    [{ SWARMKV_SECRET: 'too-short', SWARMKV_DHT_PORT: '49737' }, 'SWARMKV_SECRET (9 characters): --secret must be at least 16 characters'],
  ])('a bad value is refused naming its variable: %p', async (variables, message) => {
    const exited = await runCliToExit(['node'], STOP_DEADLINE_MS, variables);
    expect(exited.code).toBe(2);
    expect(exited.stderr).toContain(message);
    expect(exited.stderr).not.toContain('too-short');
  });
});

describe('swarmkv bootstrap and swarmkv up', () => {
  test('bootstrap takes its address and name from its variables', async () => {
    const bootstrap = runCli(['bootstrap'], { SWARMKV_HOST: '127.0.0.1', SWARMKV_PORT: '0', SWARMKV_NAME: 'env-bootstrap' });
    const { line, code } = await firstEventThenStop(bootstrap, 'dht.listening');
    expect(line).toMatchObject({ node: 'env-bootstrap' });
    expect(String(line.address)).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(code).toBe(0);
  }, START_MS_MAX + STOP_MS_MAX);

  test('a bad bootstrap variable names itself', async () => {
    const exited = await runCliToExit(['bootstrap'], STOP_DEADLINE_MS, { SWARMKV_PORT: 'x', SWARMKV_HOST: '127.0.0.1' });
    expect(exited.code).toBe(2);
    expect(exited.stderr).toContain('SWARMKV_PORT=x: --port must be a whole number');
  });

  test('up takes its options from its variables and passes no node variable on to its nodes', async () => {
    const port = await freeTcpPort();
    // SWARMKV_NAME is a node option: meant for `swarmkv node`, it must not rename up's nodes.
    const up = runCli(['up'], { SWARMKV_NODES: '1', SWARMKV_BASE_PORT: String(port), SWARMKV_MEMORY: 'on', SWARMKV_NAME: 'not-for-up', SWARMKV_LOG_LEVEL: 'info' });
    const { line, code } = await firstEventThenStop(up, 'node.listening', async () => {
      await waitUntil('the summary', () => up.stderr().includes('1 node(s)'), START_MS_MAX);
    });
    expect(line).toMatchObject({ node: `node-${port}`, url: `http://127.0.0.1:${port}`, engine: 'memory' });
    expect(code).toBe(0);
  }, 2 * START_MS_MAX + STOP_MS_MAX);

  test('a bad up variable names itself', async () => {
    const exited = await runCliToExit(['up'], STOP_DEADLINE_MS, { SWARMKV_NODES: '99' });
    expect(exited.code).toBe(2);
    expect(exited.stderr).toContain('SWARMKV_NODES=99: -n/--nodes must be 1..32');
  });
});
