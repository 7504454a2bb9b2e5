// `swarmkv up` and `swarmkv bootstrap` as users run them: the built CLI in a child process, on loopback.
// up starts a bootstrap and three nodes that form one cluster, says so on stderr, passes the nodes' JSON
// log lines through on stdout, reports a node that dies, and on SIGTERM stops every node and exits 0.

import { afterAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, waitForExit, waitUntil, type RunningCli } from './support/node-lifecycle';
import { childPidServing } from './support/process-tree';
import { http } from './support/spawn-node';

const START_MS_MAX = 60_000;
const CONVERGE_MS_MAX = 60_000;
/** up's own bound is 10 s per node (in parallel), then SIGKILL. */
const STOP_MS_MAX = 15_000;

const logLines = (text: string) => text.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
const answers = (url: string) => http('GET', `${url}/health`).then((reply) => reply.status === 200, () => false);

describe('swarmkv bootstrap', () => {
  test('logs dht.listening with its address and stops on SIGTERM with exit 0', async () => {
    const bootstrap = runCli(['bootstrap', '--host', '127.0.0.1', '--port', '0']);
    try {
      await waitUntil('dht.listening', () => bootstrap.stdout().includes('"dht.listening"'), START_MS_MAX);
      const listening = logLines(bootstrap.stdout()).find((line) => line.event === 'dht.listening')!;
      expect(listening).toMatchObject({ level: 'info', node: 'bootstrap' });
      expect(String(listening.address)).toMatch(/^127\.0\.0\.1:\d+$/);
      bootstrap.child.kill('SIGTERM');
      expect(await waitForExit(bootstrap.child, STOP_MS_MAX)).toBe(true);
      expect(bootstrap.child.exitCode).toBe(0);
      expect(logLines(bootstrap.stdout()).map((line) => line.event)).toEqual(['dht.listening', 'dht.stopping', 'dht.stopped']);
    } finally {
      bootstrap.child.kill('SIGKILL');
    }
  }, START_MS_MAX + STOP_MS_MAX);

  test('a host that is not an address of this machine is a usage error', async () => {
    const bootstrap = runCli(['bootstrap', '--host', '10.255.255.1', '--port', '0']);
    expect(await waitForExit(bootstrap.child, STOP_MS_MAX)).toBe(true);
    expect(bootstrap.child.exitCode).toBe(2);
    expect(bootstrap.stderr()).toContain('--host 10.255.255.1');
  }, STOP_MS_MAX);
});

describe('swarmkv up', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'swarmkv-up-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const basePort = 20_000 + (process.pid % 10_000) * 4;
  const urls = [0, 1, 2].map((index) => `http://127.0.0.1:${basePort + index}`);

  test('starts a 3-node cluster, reports a dead node, stops every node on SIGTERM and exits 0', async () => {
    const up = runCli(['up', '-n', '3', '--base-port', String(basePort), '--data-dir', dataDir, '--log-level', 'info']);
    try {
      await waitUntil('the summary', () => up.stderr().includes('Ctrl-C stops every node'), START_MS_MAX);
      const summary = up.stderr();
      for (const url of urls) expect(summary).toContain(url);
      expect(summary).toMatch(/secret: [0-9a-f]{32} {2}\(generated/);
      expect(summary).toMatch(/--bootstrap 127\.0\.0\.1:\d+/);
      const listening = logLines(up.stdout()).filter((line) => line.event === 'node.listening');
      expect(listening.map((line) => line.url).sort()).toEqual(urls);
      expect(listening.map((line) => line.dataDir).sort()).toEqual(urls.map((url) => join(dataDir, `node-${url.split(':')[2]}`)));

      const allAlive = async () => {
        const views = await Promise.all(urls.map((url) => http('GET', `${url}/cluster/members`)));
        return views.every((view) => view.status === 200 && view.body.members.length === 3 && view.body.members.every((member: { state: string }) => member.state === 'alive'));
      };
      await waitUntil('3 alive members on every node', allAlive, CONVERGE_MS_MAX);

      const pid = childPidServing(up.child.pid!, basePort + 2);
      process.kill(pid, 'SIGKILL');
      await waitUntil('the death report', () => up.stderr().includes('unexpectedly'), STOP_MS_MAX);
      expect(up.stderr()).toMatch(new RegExp(`node-${basePort + 2} \\(pid ${pid}\\) was killed by SIGKILL unexpectedly; 2 of 3 nodes still running`));
      expect(await answers(urls[0]!)).toBe(true);

      up.child.kill('SIGTERM');
      expect(await waitForExit(up.child, STOP_MS_MAX)).toBe(true);
      expect(up.child.exitCode).toBe(0);
      for (const url of urls) expect(await answers(url)).toBe(false);
      const events = logLines(up.stdout()).map((line) => `${line.node} ${line.event}`);
      expect(events).toContain(`node-${basePort} node.stopped`);
      expect(events).toContain(`node-${basePort + 1} node.stopped`);
      expect(events).toContain('bootstrap dht.stopped');
    } finally {
      up.child.kill('SIGKILL');
    }
  }, START_MS_MAX + CONVERGE_MS_MAX + 3 * STOP_MS_MAX);

  test('a node that cannot start stops the rest, and up exits with its usage error', async () => {
    const blocker = runCli(['node', '--memory', '--port', String(basePort + 1)]);
    try {
      await waitUntil('the blocking node', () => answers(urls[1]!), START_MS_MAX);
      const up = runCli(['up', '-n', '2', '--memory', '--base-port', String(basePort)]);
      expect(await waitForExit(up.child, START_MS_MAX)).toBe(true);
      expect(up.child.exitCode).toBe(2);
      expect(up.stderr()).toContain('is already in use');
      expect(up.stderr()).toContain('stopping the cluster');
      expect(await answers(urls[0]!)).toBe(false);
    } finally {
      blocker.child.kill('SIGKILL');
    }
  }, 2 * START_MS_MAX);

  test('flags are checked before anything starts', async () => {
    for (const [args, message] of [
      [['-n', '0'], '-n/--nodes must be 1..'],
      [['--secret', 'short'], 'at least 16 characters'],
      [['--base-port', '65535', '-n', '2'], '--base-port must leave room'],
    ] as const) {
      const up = runCli(['up', ...args]);
      expect(await waitForExit(up.child, STOP_MS_MAX)).toBe(true);
      expect({ args, code: up.child.exitCode, mentions: up.stderr().includes(message) }).toEqual({ args, code: 2, mentions: true });
    }
  }, 3 * STOP_MS_MAX);
});
