// Log formats as users meet them: the built CLI in child processes, on loopback. A terminal on stdout
// (a pseudo-terminal from util-linux `script`) gets pretty lines, coloured unless NO_COLOR; a pipe gets
// the JSON lines log shippers read; and a 3-node `up` in pretty format tells, in words, that a node
// killed with SIGKILL became suspect and then dead.

import { describe, expect, test } from 'bun:test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { waitForExit, waitUntil } from './support/node-lifecycle';
import { childPidServing } from './support/process-tree';
import { CLI_PATH } from './support/spawn-node';

const START_MS_MAX = 60_000;
/** The `local` profile declares a silent member dead within a few seconds; this allows a loaded machine. */
const DEAD_MS_MAX = 30_000;
const STOP_MS_MAX = 15_000;
const ESCAPE = '\u001b';

interface Running {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Running {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, stdout: () => stdout, stderr: () => stderr };
}

/** Runs a standalone node until it logs that it listens, then stops it; returns what it printed. */
async function firstLinesOfNode(command: string, args: string[], env: NodeJS.ProcessEnv, listening: RegExp): Promise<string> {
  const node = run(command, args, env);
  try {
    await waitUntil('the listening line', () => listening.test(node.stdout()), START_MS_MAX);
    return node.stdout();
  } finally {
    node.child.kill('SIGTERM');
    if (!(await waitForExit(node.child, STOP_MS_MAX))) node.child.kill('SIGKILL');
  }
}

const nodeArgv = ['node', '--memory', '--host', '127.0.0.1', '--port', '0'];
/** `script` runs the command on a pseudo-terminal and copies what it writes to our pipe. */
const onTerminal = (argv: string[]) => ['-q', '-e', '-c', ['node', CLI_PATH, ...argv].join(' '), '/dev/null'];

describe('log format', () => {
  test('a pipe gets JSON lines, as before', async () => {
    const output = await firstLinesOfNode('node', [CLI_PATH, ...nodeArgv], process.env, /"node\.listening"/);
    const listening = output.split('\n').find((line) => line.includes('"node.listening"'))!;
    expect(JSON.parse(listening)).toMatchObject({ level: 'info', event: 'node.listening' });
    expect(listening.startsWith('{"level":"info","time":"')).toBe(true);
  }, START_MS_MAX + STOP_MS_MAX);

  test('a terminal gets pretty lines, coloured', async () => {
    const output = await firstLinesOfNode('script', onTerminal(nodeArgv), { ...process.env, NO_COLOR: '' }, /listening on/);
    const uncoloured = output.replace(/\u001b\[[0-9;]*m/g, '');
    expect(uncoloured).toMatch(/^\d\d:\d\d:\d\d\.\d{3} node-0 {6}listening on http:\/\/127\.0\.0\.1:\d+ \(in memory; 0 keys; started in \d+ ms\)\r?$/m);
    expect(output).toContain(ESCAPE);
    expect(output).not.toContain('"event"');
  }, START_MS_MAX + STOP_MS_MAX);

  test('NO_COLOR turns colour off on a terminal', async () => {
    const output = await firstLinesOfNode('script', onTerminal(nodeArgv), { ...process.env, NO_COLOR: '1' }, /listening on/);
    expect(output).toMatch(/^\d\d:\d\d:\d\d\.\d{3} node-0 {6}listening on/m);
    expect(output).not.toContain(ESCAPE);
  }, START_MS_MAX + STOP_MS_MAX);

  test('a bad --log-format is a usage error', () => {
    const result = spawnSync('node', [CLI_PATH, 'node', '--memory', '--log-format', 'xml'], { encoding: 'utf8', timeout: STOP_MS_MAX });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--log-format must be one of json, pretty');
  });
});

describe('swarmkv up in pretty format', () => {
  const basePort = 30_000 + (process.pid % 5_000) * 4;
  const names = [0, 1, 2].map((index) => `node-${basePort + index}`);

  test('a node killed with SIGKILL is reported suspect, then dead, by the others', async () => {
    const up = run('node', [CLI_PATH, 'up', '-n', '3', '--memory', '--base-port', String(basePort), '--log-format', 'pretty']);
    try {
      await waitUntil('the summary', () => up.stderr().includes('Ctrl-C stops every node'), START_MS_MAX);
      const joinedEverywhere = () => names.every((observer) => names.filter((other) => other !== observer).every((other) => new RegExp(`${observer} +${other} joined`).test(up.stdout())));
      await waitUntil('every node seeing the others join', joinedEverywhere, START_MS_MAX);
      const killed = names[2]!;
      process.kill(childPidServing(up.child.pid!, basePort + 2), 'SIGKILL');
      const told = (state: string) => names.slice(0, 2).some((observer) => new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ${observer} +${killed} is ${state} \\(incarnation \\d+`, 'm').test(up.stdout()));
      await waitUntil(`a line saying ${killed} is suspect`, () => told('suspect'), DEAD_MS_MAX);
      await waitUntil(`a line saying ${killed} is dead`, () => told('dead'), DEAD_MS_MAX);
      const lines = up.stdout().split('\n').filter((line) => line.length > 0);
      expect(lines.filter((line) => line.startsWith('{'))).toEqual([]);
      expect(lines.some((line) => / bootstrap +DHT bootstrap listening on 127\.0\.0\.1:\d+$/.test(line))).toBe(true);
      expect(up.stdout()).not.toContain(ESCAPE);
      expect(up.stderr()).toContain('swarmkv up: 3 node(s) of cluster "swarmkv" listening');
    } finally {
      up.child.kill('SIGTERM');
      if (!(await waitForExit(up.child, STOP_MS_MAX))) up.child.kill('SIGKILL');
    }
  }, 2 * START_MS_MAX + 2 * DEAD_MS_MAX + STOP_MS_MAX);
});
