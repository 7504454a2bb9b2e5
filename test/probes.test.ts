// Liveness and readiness as an orchestrator probes them, on real node processes: live throughout,
// ready only once the node has met its cluster (not while its bootstrap answers nobody's call), and
// not ready from the moment it is asked to stop.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { freeUdpPort } from './support/free-ports';
import { HOOK_TIMEOUT_MS, STOP_DEADLINE_MS, stopBounded, useNode, waitForExit, waitUntil } from './support/node-lifecycle';
import { responseProblems } from './support/openapi-check';
import { CLI_PATH, http, removeDataDir, spawnNode, type SpawnedNode } from './support/spawn-node';
import { spawn, type ChildProcess } from 'node:child_process';

const SECRET = 'probes-test-secret-0123456789';
/** How long a node whose bootstrap answers nobody is watched staying not ready. */
const UNANSWERED_WATCH_MS = 1500;
const JOIN_MS_MAX = 20_000;
const POLL_MS = 5;

const probe = (url: string, path: '/health/live' | '/health/ready') => http('GET', `${url}${path}`);

describe('a standalone node', () => {
  const node = useNode({ args: ['--memory'] });

  test('is live and ready, and both answers are as documented', async () => {
    const spec = (await http('GET', `${node().url}/swagger/json`)).body;
    const live = await probe(node().url, '/health/live');
    const ready = await probe(node().url, '/health/ready');
    expect([live.status, live.body]).toEqual([200, { live: true }]);
    expect([ready.status, ready.body]).toEqual([200, { ready: true }]);
    expect(responseProblems(spec, 'GET', '/health/live', live.status, live.body)).toEqual([]);
    expect(responseProblems(spec, 'GET', '/health/ready', ready.status, ready.body)).toEqual([]);
    expect(spec.paths['/health/ready'].get.responses['503']).toBeDefined();
    expect((await http('GET', `${node().url}/health`)).body.status).toBe('ok');
  });
});

/** `swarmkv bootstrap` on this UDP port, until killed. */
function startBootstrap(port: number): ChildProcess {
  return spawn('node', [CLI_PATH, 'bootstrap', '--host', '127.0.0.1', '--port', String(port), '--log-level', 'warn'], { stdio: 'ignore' });
}

describe('a clustered node', () => {
  let node: SpawnedNode;
  let bootstrapPort: number;
  let bootstrap: ChildProcess | undefined;

  beforeAll(async () => {
    bootstrapPort = await freeUdpPort('127.0.0.1');
    node = await spawnNode({ args: ['--memory', '--secret', SECRET, '--bootstrap', `127.0.0.1:${bootstrapPort}`] });
  }, HOOK_TIMEOUT_MS.start);

  afterAll(async () => {
    await stopBounded(node);
    removeDataDir(node.dataDir);
    bootstrap?.kill('SIGKILL');
  }, HOOK_TIMEOUT_MS.stop);

  test('is live but not ready while its bootstrap answers nobody, and ready once it does', async () => {
    const spec = (await http('GET', `${node.url}/swagger/json`)).body;
    const watchUntil = performance.now() + UNANSWERED_WATCH_MS;
    while (performance.now() < watchUntil) {
      const [live, ready] = await Promise.all([probe(node.url, '/health/live'), probe(node.url, '/health/ready')]);
      expect(live.status).toBe(200);
      expect([ready.status, ready.body.error, ready.body.reason]).toEqual([503, 'unavailable', 'joining']);
      expect(responseProblems(spec, 'GET', '/health/ready', ready.status, ready.body)).toEqual([]);
      await Bun.sleep(50);
    }
    bootstrap = startBootstrap(bootstrapPort);
    const startedMs = performance.now();
    await waitUntil('ready', async () => (await probe(node.url, '/health/ready')).status === 200, JOIN_MS_MAX);
    console.log(`ready ${Math.round(performance.now() - startedMs)} ms after its bootstrap started`);
    expect((await probe(node.url, '/health/live')).status).toBe(200);
  }, UNANSWERED_WATCH_MS + JOIN_MS_MAX + 5000);

  test('answers draining from the moment it is asked to stop, live until it stops listening', async () => {
    // A peer to tell: a node that leaves announces it and lets the news spread (three gossip intervals)
    // while it still serves, and that is the window in which it answers draining over new connections.
    const peer = await spawnNode({ args: ['--memory', '--secret', SECRET, '--bootstrap', `127.0.0.1:${bootstrapPort}`] });
    try {
      await waitUntil('both nodes alive on the first', async () => {
        const members = (await http('GET', `${node.url}/cluster/members`)).body.members as { state: string }[];
        return members.length === 2 && members.every((member) => member.state === 'alive');
      }, JOIN_MS_MAX);
      await observeDraining(node);
    } finally {
      await stopBounded(peer);
      removeDataDir(peer.dataDir);
    }
  }, 3 * JOIN_MS_MAX);
});

/** SIGTERM, then probes until the port closes: every answer after the signal is 503 draining, and live stays 200. */
async function observeDraining(node: SpawnedNode): Promise<void> {
  expect((await probe(node.url, '/health/ready')).status).toBe(200);
  node.process.kill('SIGTERM');
  const seen: string[] = [];
  for (;;) {
    const answers = await Promise.all([probe(node.url, '/health/ready'), probe(node.url, '/health/live')]).catch(() => undefined);
    if (answers === undefined) break;
    const [ready, live] = answers;
    seen.push(`${ready.status} ${ready.body.reason ?? ''}`.trim());
    if (ready.status === 503) expect(live.status).toBe(200);
    await Bun.sleep(POLL_MS);
  }
  // The first answer may have been served before the signal arrived; none after a draining one is ready.
  const firstDraining = seen.indexOf('503 draining');
  expect(firstDraining).toBeGreaterThanOrEqual(0);
  expect(new Set(seen.slice(firstDraining))).toEqual(new Set(['503 draining']));
  // Wait for the exit the one SIGTERM started. A second signal (stopBounded sends one to a node still
  // alive) can land after the node's clean stop has removed its handlers and before the process is gone,
  // and kill it by the signal's default action: exit code null (one CI run of 2026-12-05).
  expect(await waitForExit(node.process, STOP_DEADLINE_MS)).toBe(true);
  expect(node.process.exitCode).toBe(0);
}
