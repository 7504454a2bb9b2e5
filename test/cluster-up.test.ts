// `swarmkv up` and `swarmkv bootstrap` as users run them: the built CLI in a child process, on loopback.
// up starts a bootstrap and three nodes, says on stderr when they have formed one ring (every node is then
// on it), passes the nodes' JSON log lines through on stdout, reports a node that dies, and on SIGTERM
// stops every node and exits 0. A node killed under it is reported with the command that restarts it.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freeTcpPortBlock } from './support/free-ports';
import { runCli, waitForExit, waitUntil, type RunningCli } from './support/node-lifecycle';
import { childPidServing } from './support/process-tree';
import { http } from './support/spawn-node';

const START_MS_MAX = 60_000;
const CONVERGE_MS_MAX = 60_000;
/** up's own bound is 10 s per node (in parallel), then SIGKILL. */
const STOP_MS_MAX = 15_000;
/** The start-up bound given to `up` when one node is made to hang: short, so the test is. */
const STUCK_START_MS = 3000;
/** What `up` itself may take to start on a loaded 2-core machine (Node, the bundle, the bootstrap). */
const START_SLACK_MS = 10_000;
const HOLD_STORE_WRITER = resolve(import.meta.dir, 'support/hold-store-writer.ts');

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
  // Every node `up` starts here carries this cluster name on its command line: what the last test checks.
  const cluster = `up-test-${process.pid}-${Math.floor(Math.random() * 1e9)}`;
  let basePort = 0;
  let urls: string[] = [];
  beforeAll(async () => {
    basePort = await freeTcpPortBlock(3);
    urls = [0, 1, 2].map((index) => `http://127.0.0.1:${basePort + index}`);
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const runUp = (args: string[]) => runCli(['up', '--cluster', cluster, '--base-port', String(basePort), ...args]);

  test('starts a 3-node cluster, reports a dead node, stops every node on SIGTERM and exits 0', async () => {
    const up = runUp(['-n', '3', '--data-dir', dataDir, '--log-level', 'info', '--replicas', '3']);
    try {
      await waitForSummary(up);
      const summary = up.stderr();
      for (const url of urls) expect(summary).toContain(url);
      expect(summary).toMatch(/secret: [0-9a-f]{32} {2}\(generated/);
      expect(summary).toMatch(/--bootstrap 127\.0\.0\.1:\d+/);
      // up gives its nodes a generated admin token and prints it: every request but the probes needs it.
      const adminToken = /admin token: ([0-9a-f]{64}) /.exec(summary)?.[1];
      expect(adminToken).toBeDefined();
      expect(summary).toContain(`export SWARMKV_TOKEN=${adminToken}`);
      expect(summary).toContain(`export SWARMKV_URL=${urls.join(',')}\n`);
      const authorization = { authorization: `Bearer ${adminToken}` };
      expect((await http('GET', `${urls[0]}/cluster/members`)).status).toBe(401);
      const listening = logLines(up.stdout()).filter((line) => line.event === 'node.listening');
      expect(listening.map((line) => line.url).sort()).toEqual(urls);
      expect(listening.map((line) => line.dataDir).sort()).toEqual(urls.map((url) => join(dataDir, `node-${url.split(':')[2]}`)));
      const started = () => logLines(up.stdout()).filter((line) => line.event === 'cluster.started');
      await waitUntil('every node to log cluster.started', () => started().length === 3, START_MS_MAX);
      expect(started().map((line) => line.replicas)).toEqual([3, 3, 3]);

      // up says when the nodes have formed one ring; when it does, every node is on it, with no ring change left.
      await waitUntil('the cluster-ready line', () => /cluster ready: 3 node\(s\) on one ring \(digest [0-9a-f]{16}\), no ring change in progress, [\d.]+ s after they listened/.test(up.stderr()), CONVERGE_MS_MAX);
      const digest = /on one ring \(digest ([0-9a-f]{16})\)/.exec(up.stderr())![1];
      for (const url of urls) {
        expect((await http('GET', `${url}/health/ready`)).status).toBe(200);
        expect((await http('GET', `${url}/cluster/ring`, { headers: authorization })).body).toMatchObject({ digest, jointRings: [] });
      }
      const allAlive = async () => {
        const views = await Promise.all(urls.map((url) => http('GET', `${url}/cluster/members`, { headers: authorization })));
        return views.every((view) => view.status === 200 && view.body.members.length === 3 && view.body.members.every((member: { state: string }) => member.state === 'alive'));
      };
      await waitUntil('3 alive members on every node', allAlive, CONVERGE_MS_MAX);

      // A key every replica holds, so the killed node's own store has it when it comes back.
      expect((await http('PUT', `${urls[0]}/kv/kept?consistency=all`, { headers: authorization, json: { value: 'before the kill' } })).status).toBe(200);
      const pid = childPidServing(up.child.pid!, basePort + 2);
      process.kill(pid, 'SIGKILL');
      await waitUntil('the death report', () => up.stderr().includes('unexpectedly'), STOP_MS_MAX);
      expect(up.stderr()).toMatch(new RegExp(`node-${basePort + 2} \\(pid ${pid}\\) was killed by SIGKILL unexpectedly; 2 of 3 nodes still running`));
      expect(await answers(urls[0]!)).toBe(true);

      // up says how to restart it; the command it prints does, on the node's own data.
      const restartLine = new RegExp(`to restart node-${basePort + 2} on its data in \\S+ \\(in another terminal; Ctrl-C here will not stop it\\):\\n {4}SWARMKV_ADMIN_TOKEN=\\$SWARMKV_TOKEN swarmkv (node .+)\\n`);
      const restartArgs = restartLine.exec(up.stderr())?.[1]?.split(' ');
      expect(restartArgs).toBeDefined();
      const stateOfKilled = async () => {
        const view = await http('GET', `${urls[0]}/cluster/members`, { headers: authorization });
        return view.body.members?.find((member: { name: string }) => member.name === `node-${basePort + 2}`)?.state as string | undefined;
      };
      await waitUntil('the killed node dead on the first', async () => (await stateOfKilled()) === 'dead', CONVERGE_MS_MAX);
      const restarted = runCli(restartArgs!, { SWARMKV_ADMIN_TOKEN: adminToken! });
      try {
        await waitUntil('the restarted node alive on the first', async () => (await stateOfKilled()) === 'alive', CONVERGE_MS_MAX);
        expect((await http('GET', `${urls[2]}/health`)).body).toMatchObject({ storage: { liveKeys: 1 } });
      } finally {
        restarted.child.kill('SIGTERM');
        expect(await waitForExit(restarted.child, STOP_MS_MAX)).toBe(true);
      }

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

  test('examples/scenarios/kill-and-restart.txt: up starts the killed node again on its data after the wait, and it catches up; a node no supervisor runs refuses such a kill', async () => {
    const up = runUp(['-n', '3', '--data-dir', join(dataDir, 'restart'), '--replicas', '3']);
    try {
      await waitForSummary(up);
      await waitUntil('the cluster-ready line', () => up.stderr().includes('cluster ready: 3 node(s) on one ring'), CONVERGE_MS_MAX);
      const adminToken = /admin token: ([0-9a-f]{64}) /.exec(up.stderr())![1]!;
      const authorization = { authorization: `Bearer ${adminToken}` };
      const killedName = `node-${basePort + 2}`;
      const pid = childPidServing(up.child.pid!, basePort + 2);
      // The scenario names up's default members and URLs (node-7070..7072): mapped onto this up's ports.
      let scenario = readFileSync(resolve(import.meta.dir, '../examples/scenarios/kill-and-restart.txt'), 'utf8');
      for (const index of [0, 1, 2]) scenario = scenario.replaceAll(`node-${7070 + index}`, `node-${basePort + index}`).replaceAll(`127.0.0.1:${7070 + index}`, `127.0.0.1:${basePort + index}`);
      const scriptPath = join(dataDir, 'kill-and-restart.txt');
      writeFileSync(scriptPath, scenario);
      const script = runCli(['run', scriptPath], { SWARMKV_TOKEN: adminToken });
      await waitUntil('the restart announced', () => up.stderr().includes(`${killedName} (pid ${pid}) was killed by its chaos kill; up starts it again on its data in 10s`), STOP_MS_MAX);
      expect(await waitForExit(script.child, START_MS_MAX)).toBe(true);
      expect({ code: script.child.exitCode, stderr: script.stderr() }).toEqual({ code: 0, stderr: '' });
      expect(script.stdout()).toContain(`${killedName} killed (SIGKILL); swarmkv up starts it again in 10s (run kill-and-restart)`);
      expect(up.stderr()).toContain(`${killedName} listens again on ${urls[2]}`);
      expect(up.stderr()).not.toContain('unexpectedly');
      expect(childPidServing(up.child.pid!, basePort + 2)).not.toBe(pid);
      // Its chaos timeline begins with the kill that ended its previous run, kept in its store.
      expect((await http('GET', `${urls[2]}/chaos`, { headers: authorization })).body.events[0]).toMatchObject({ kind: 'kill', restartAfterMs: 10_000, run: 'kill-and-restart' });
      // Its own store again, caught up with the write it missed, read from it alone.
      const missed = async () => (await http('GET', `${urls[2]}/kv/scenario%3Akill?consistency=one`, { headers: authorization })).body?.value === `written while ${killedName} was down`;
      await waitUntil('the restarted node holding the write it missed', missed, CONVERGE_MS_MAX);
      // Ctrl-C stops the restarted node with the rest.
      up.child.kill('SIGTERM');
      expect(await waitForExit(up.child, STOP_MS_MAX)).toBe(true);
      expect(up.child.exitCode).toBe(0);
      for (const url of urls) expect(await answers(url)).toBe(false);
    } finally {
      up.child.kill('SIGKILL');
    }

    // A node started by hand has no supervisor: the same kill is refused, and the node lives on.
    const alone = runCli(['node', '--memory', '--chaos', '--port', String(basePort + 2), '--cluster', cluster]);
    try {
      await waitUntil('the lone node', () => answers(urls[2]!), START_MS_MAX);
      const refused = await http('POST', `${urls[2]}/chaos/kill`, { json: { restartAfterMs: 1000 } });
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ error: 'conflict', field: 'restartAfterMs' });
      expect(await answers(urls[2]!)).toBe(true);
    } finally {
      alone.child.kill('SIGKILL');
    }
  }, START_MS_MAX + 2 * CONVERGE_MS_MAX + 3 * STOP_MS_MAX);

  test('--log-level warn: the cluster still comes up (up reads node.listening itself) and shows no info line; --replicas reaches the nodes', async () => {
    const up = runUp(['-n', '2', '--memory', '--log-level', 'warn', '--node-start-timeout-ms', '20000', '--replicas', '1']);
    try {
      await waitForSummary(up);
      expect(await answers(urls[1]!)).toBe(true);
      // --replicas reaches every node: once the ring formed, it answers N = 1 (the token is in the summary).
      await waitUntil('the cluster-ready line', () => up.stderr().includes('cluster ready: 2 node(s) on one ring'), CONVERGE_MS_MAX);
      const adminToken = /admin token: ([0-9a-f]{64}) /.exec(up.stderr())![1];
      const ring = await http('GET', `${urls[1]}/cluster/ring`, { headers: { authorization: `Bearer ${adminToken}` } });
      expect(ring.body.replicationFactor).toBe(1);
      up.child.kill('SIGTERM');
      expect(await waitForExit(up.child, STOP_MS_MAX)).toBe(true);
      expect(up.child.exitCode).toBe(0);
      const levels = new Set(logLines(up.stdout()).map((line) => line.level));
      expect([...levels].filter((level) => level === 'info' || level === 'debug')).toEqual([]);
    } finally {
      up.child.kill('SIGKILL');
    }
  }, START_MS_MAX + CONVERGE_MS_MAX + 2 * STOP_MS_MAX);

  test('a node that cannot start stops the rest, and up exits with its usage error', async () => {
    const blocker = runCli(['node', '--memory', '--port', String(basePort + 1)]);
    try {
      await waitUntil('the blocking node', () => answers(urls[1]!), START_MS_MAX);
      const up = runUp(['-n', '2', '--memory']);
      expect(await waitForExit(up.child, START_MS_MAX)).toBe(true);
      expect(up.child.exitCode).toBe(2);
      expect(up.stderr()).toContain(`node-${basePort + 1}`);
      expect(up.stderr()).toContain('is already in use');
      expect(up.stderr()).toContain('stopping the cluster');
      expect(await answers(urls[0]!)).toBe(false);
    } finally {
      blocker.child.kill('SIGKILL');
    }
  }, 2 * START_MS_MAX);

  test('a node stuck in start-up is named with its last lines after --node-start-timeout-ms; up stops every node and exits 4', async () => {
    const stuckName = `node-${basePort + 1}`;
    // The stuck node's store is held by another process: its first write, before node.listening, waits.
    const holder = spawn(process.execPath, [HOLD_STORE_WRITER, join(dataDir, stuckName)], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      let held = '';
      holder.stdout!.on('data', (chunk: Buffer) => (held += chunk.toString()));
      await waitUntil('the store lock holder', () => held.includes('holding'), START_MS_MAX);
      const startedMs = performance.now();
      const up = runUp(['-n', '2', '--data-dir', dataDir, '--node-start-timeout-ms', String(STUCK_START_MS)]);
      expect(await waitForExit(up.child, STUCK_START_MS + 2 * STOP_MS_MAX)).toBe(true);
      const exitedMs = performance.now() - startedMs;
      expect(up.child.exitCode).toBe(4);
      expect(up.stderr()).toMatch(new RegExp(`${stuckName} \\(pid \\d+\\) did not log node.listening within ${STUCK_START_MS / 1000} s`));
      expect(up.stderr()).toContain('stopping the cluster');
      expect(up.stderr()).not.toContain('Ctrl-C stops every node');
      // The bound, then SIGTERM, which a node stuck in start-up ignores, then SIGKILL after up's stop
      // bound (10 s); on top, up's own start, seconds on a loaded machine.
      expect(exitedMs).toBeGreaterThanOrEqual(STUCK_START_MS);
      expect(exitedMs).toBeLessThan(STUCK_START_MS + STOP_MS_MAX + START_SLACK_MS);
      expect(await answers(urls[0]!)).toBe(false);
      expect(processesMentioning(cluster)).toEqual([]);
    } finally {
      holder.kill('SIGKILL');
      await waitForExit(holder, STOP_MS_MAX);
    }
  }, START_MS_MAX + STUCK_START_MS + 3 * STOP_MS_MAX);

  test('flags are checked before anything starts', async () => {
    for (const [args, message] of [
      [['-n', '0'], '-n/--nodes must be 1..'],
      [['--secret', 'short'], 'at least 16 characters'],
      [['--base-port', '65535', '-n', '2'], '--base-port must leave room'],
      [['--node-start-timeout-ms', '0'], '--node-start-timeout-ms must be at least 1'],
      [['--replicas', '0'], '--replicas must be 1..'],
    ] as const) {
      const up = runCli(['up', ...args]);
      expect(await waitForExit(up.child, STOP_MS_MAX)).toBe(true);
      expect({ args, code: up.child.exitCode, mentions: up.stderr().includes(message) }).toEqual({ args, code: 2, mentions: true });
    }
  }, 4 * STOP_MS_MAX);

  test('leaves no process behind: every node any up of this file started has exited', async () => {
    await waitUntil('no process of this file left', () => processesMentioning(cluster).length === 0, STOP_MS_MAX).catch(() => {});
    expect(processesMentioning(cluster)).toEqual([]);
  });
});

/** Waits for up's summary; if up exits first, fails at once with what it said (not after the deadline). */
async function waitForSummary(up: RunningCli): Promise<void> {
  await waitUntil('the summary, or up to exit', () => up.stderr().includes('Ctrl-C stops every node') || up.child.exitCode !== null || up.child.signalCode !== null, START_MS_MAX).catch((error: Error) => {
    throw new Error(`${error.message}; up said:\n${up.stderr()}`);
  });
  if (!up.stderr().includes('Ctrl-C stops every node')) throw new Error(`up exited (${up.child.exitCode ?? up.child.signalCode}) before its summary:\n${up.stderr()}`);
}

/** Pids of the processes whose command line contains `text`, this one excepted. */
function processesMentioning(text: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (Number(entry) !== process.pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) found.push(Number(entry));
    } catch {
      // A process that exited while we looked.
    }
  }
  return found;
}

