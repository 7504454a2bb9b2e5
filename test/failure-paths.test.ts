// Failure paths of a real node process: a broken invariant stops the node (it does not answer 500 and
// go on), a start that fails at a late step or is interrupted by SIGTERM closes what it had opened and
// exits promptly, and a configuration that cannot work is refused before anything opens.
//
// The broken invariant is a real one, broken from outside as a disk or a foreign writer could: a record
// whose stored version does not parse. The node never writes such a record, so the coordinator asserts
// that every stored version parses (replication/coordinator.ts, successorVersion); a PUT that meets
// one trips that assertion. No test-only switch exists in the daemon for this.

import { afterEach, describe, expect, test } from 'bun:test';
import { createSocket, type Socket } from 'node:dgram';
import { open } from 'lmdb';
import { freeUdpPort } from './support/free-ports';
import { HOOK_TIMEOUT_MS, isAlive, runCli, runCliToExit, stopBounded, waitForExit, waitUntil } from './support/node-lifecycle';
import { http, makeDataDir, removeDataDir, spawnNode } from './support/spawn-node';

/** The exit code of a node stopped by a failed assertion (node/src/main-fatal.ts). */
const ASSERTION_FAILED_EXIT_CODE = 70;
/** The CLI's code for a node that failed to start (cli/src/exit-codes.ts, `refused`). */
const START_FAILED_EXIT_CODE = 4;
/**
 * From the failure (or the signal) to the process's exit. What it waits for is closing sockets, timers
 * and an LMDB environment, milliseconds on an idle machine; before this suite's changes the same
 * process never exited (a failed start) or waited for the DHT's own timeouts (6 s and more).
 */
const EXIT_AFTER_FAILURE_MS_MAX = 5000;
const SECRET = 'failure-paths-suite-secret';

const dataDirs: string[] = [];
function dataDir(): string {
  const dir = makeDataDir('swarmkv-failure-');
  dataDirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dataDirs.splice(0)) removeDataDir(dir);
});

/** Every stdout line of a process, parsed (lines that are not JSON are skipped). */
function events(stdout: string): Record<string, unknown>[] {
  return stdout.split('\n').flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

/** Overwrites one record in a stopped node's data directory with one whose version does not parse. */
async function corruptRecord(dir: string, key: string): Promise<void> {
  // The same layout as storage/lmdb-store.ts: a directory, no compression, records as [value, version, updatedAtMs].
  const root = open({ path: dir, noSubdir: false, compression: false });
  root.openDB<[string | null, string, number], string>({ name: 'records' }).putSync(key, ['"stored"', 'not-a-version', 0]);
  await root.close();
}

describe('a failed assertion', () => {
  test(
    'stops the node with node.assertion_failed and exit code 70 instead of answering 500',
    async () => {
      const dir = dataDir();
      const first = await spawnNode({ dataDir: dir });
      expect((await http('PUT', `${first.url}/kv/broken`, { json: { value: 1 } })).status).toBe(200);
      expect((await stopBounded(first)).code).toBe(0);
      await corruptRecord(dir, 'broken');

      const node = await spawnNode({ dataDir: dir });
      // Other keys are served as before: the record is read, not trusted, until a write must supersede it.
      expect((await http('PUT', `${node.url}/kv/healthy`, { json: { value: 2 } })).status).toBe(200);
      const answer = await http('PUT', `${node.url}/kv/broken`, { json: { value: 3 } }).catch((error: unknown) => error);
      expect(await waitForExit(node.process, EXIT_AFTER_FAILURE_MS_MAX)).toBe(true);
      expect(node.process.exitCode).toBe(ASSERTION_FAILED_EXIT_CODE);
      // The write got no answer at all: the process ended before one could be sent.
      expect(answer).toBeInstanceOf(Error);
      const failures = node.events.filter((event) => event.event === 'node.assertion_failed');
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatchObject({ level: 'error', message: 'assertion failed: a stored version parses', exitCode: ASSERTION_FAILED_EXIT_CODE });
      expect(String(failures[0]!.stack)).toContain('successorVersion');
      expect(node.events.some((event) => event.event === 'http.internal_error')).toBe(false);
    },
    HOOK_TIMEOUT_MS.start * 2,
  );
});

describe('a start that fails at a late step', () => {
  let holder: Socket | undefined;
  afterEach(() => {
    holder?.close();
    holder = undefined;
  });

  test(
    'closes what it opened, exits promptly with a clear message, and leaves the data directory to the next process',
    async () => {
      // The DHT's UDP port is taken: the cluster half fails after the store, the HTTP listener, the
      // tombstone sweep, the alive marker, membership and the ring are up.
      const dhtPort = await freeUdpPort();
      holder = createSocket('udp4');
      await new Promise<void>((resolve) => holder!.bind(dhtPort, '127.0.0.1', resolve));
      const dir = dataDir();
      const run = await runCliToExit(['node', '--port', '0', '--data-dir', dir, '--host', '127.0.0.1', '--secret', SECRET, '--dht-port', String(dhtPort)], HOOK_TIMEOUT_MS.start);
      expect(run.timedOut).toBe(false);
      expect(run.code).toBe(START_FAILED_EXIT_CODE);
      expect(run.stderr).toContain(`the node failed to start: the DHT could not start on UDP 127.0.0.1:${dhtPort}: address already in use`);
      expect(run.stderr).not.toMatch(/^\s+at /m);
      const logged = events(run.stdout);
      const abandoned = logged.find((event) => event.event === 'node.start_abandoned');
      expect(abandoned).toMatchObject({ reason: 'failed', closing: ['alive marker', 'tombstone collector', 'http listener', 'transfer rate meter', 'hint store', 'store'] });
      // From the failure to the exit: the process ends by itself, so nothing it opened was left open.
      const failedAtMs = Date.parse(String(abandoned!.time));
      expect(Date.now() - failedAtMs).toBeLessThan(EXIT_AFTER_FAILURE_MS_MAX);
      const nodeId = logged.find((event) => event.event === 'node.listening')?.nodeId;
      expect(nodeId).toBeString();

      // At once, a new process opens the same data directory: the same node, its store intact.
      const next = await spawnNode({ dataDir: dir });
      try {
        expect(next.events.find((event) => event.event === 'node.listening')?.nodeId).toBe(nodeId);
        expect((await http('PUT', `${next.url}/kv/after`, { json: { value: 1 } })).status).toBe(200);
      } finally {
        await stopBounded(next);
      }
    },
    HOOK_TIMEOUT_MS.start * 2,
  );

  test('a data directory that is a file: the message says why, the exit code is not 0, no stack', async () => {
    const parent = dataDir();
    const file = `${parent}/not-a-directory`;
    await Bun.write(file, 'x');
    const run = await runCliToExit(['node', '--port', '0', '--data-dir', file], HOOK_TIMEOUT_MS.start);
    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(START_FAILED_EXIT_CODE);
    expect(run.stderr).toContain('the node failed to start: EEXIST');
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(events(run.stdout).find((event) => event.event === 'node.start_abandoned')).toMatchObject({ reason: 'failed', closing: ['http listener'] });
  }, HOOK_TIMEOUT_MS.start);
});

describe('SIGTERM while starting', () => {
  test(
    'stops a node whose DHT bootstrap does not answer at once, not when the DHT gives up',
    async () => {
      // Nobody answers on this UDP port: the DHT would wait for its own timeouts (seconds) to be ready.
      const silentBootstrap = `127.0.0.1:${await freeUdpPort()}`;
      const dir = dataDir();
      const node = runCli(['node', '--port', '0', '--data-dir', dir, '--host', '127.0.0.1', '--secret', SECRET, '--bootstrap', silentBootstrap]);
      try {
        // node.listening comes before the transport starts (requests route by the ring from then on).
        await waitUntil('node.listening', () => node.stdout().includes('"node.listening"'), HOOK_TIMEOUT_MS.start);
        expect(node.stdout()).not.toContain('"transport.started"');
        const signalledMs = performance.now();
        node.child.kill('SIGTERM');
        expect(await waitForExit(node.child, EXIT_AFTER_FAILURE_MS_MAX)).toBe(true);
        const exitMs = performance.now() - signalledMs;
        expect(node.child.exitCode).toBe(0);
        const logged = events(node.stdout());
        expect(logged.find((event) => event.event === 'node.start_abandoned')).toMatchObject({ reason: 'stop_requested' });
        // The start was cut short, not finished first.
        expect(logged.some((event) => event.event === 'transport.started')).toBe(false);
        expect(logged.some((event) => event.event === 'transport.close_forced')).toBe(false);
        console.log(`SIGTERM while starting: exited after ${Math.round(exitMs)} ms`);
      } finally {
        if (isAlive(node.child)) node.child.kill('SIGKILL');
      }
    },
    HOOK_TIMEOUT_MS.start * 2,
  );
});

test('a clustered node whose anti-entropy interval is not shorter than its tombstone grace refuses to start, naming both and the rule', async () => {
  const run = await runCliToExit(['node', '--memory', '--port', '0', '--secret', SECRET, '--dht-port', String(await freeUdpPort()), '--anti-entropy-interval-ms', '5000', '--tombstone-grace-ms', '5000']);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('--anti-entropy-interval-ms (5000) must be shorter than --tombstone-grace-ms (5000) on a clustered node');
  expect(run.stderr).toContain('before the other replicas collect the tombstone');
  // Refused before anything opened: no log line at all.
  expect(run.stdout).toBe('');
});
