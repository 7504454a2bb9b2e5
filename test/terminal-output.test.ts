// Keys and values with control characters in them, through the built CLI against a real node: what
// reaches the terminal shows them escaped, never raw, and the data itself is unchanged.

import { afterAll, beforeAll, expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { CLI_PATH, removeDataDir, spawnNode, type SpawnedNode } from './support/spawn-node';

const RUN_MS_MAX = 30_000;
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

let node: SpawnedNode;
beforeAll(async () => {
  node = await spawnNode();
});
afterAll(async () => {
  await node.stop();
  removeDataDir(node.dataDir);
});

function swarmkv(args: string[]) {
  const result = spawnSync('node', [CLI_PATH, ...args, '--url', node.url], { encoding: 'utf8', timeout: RUN_MS_MAX });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('ls, get, locate and errors escape control characters in keys and values', () => {
  const key = 'tty:\u001b[2J\nforged';
  const value = 'bell\u0007 csi\u009b31m';
  expect(swarmkv(['put', key, value]).code).toBe(0);
  const listed = swarmkv(['ls', '--prefix', 'tty:']);
  expect(listed.stdout).toBe('"tty:\\x1b[2J\\nforged"\n');
  const got = swarmkv(['get', key]);
  expect(got.stdout).toBe('"bell\\u0007 csi\\u009b31m"\n');
  expect(JSON.parse(got.stdout)).toBe(value);
  const located = swarmkv(['locate', key]);
  expect(located.code).toBe(0);
  expect(located.stdout).toContain('"tty:\\u001b[2J\\nforged" at ring position');
  const missing = swarmkv(['get', `${key}-gone`]);
  expect(missing.code).toBe(1);
  for (const output of [listed, got, located, missing]) expect(RAW_CONTROL.test(output.stdout + output.stderr)).toBe(false);
}, RUN_MS_MAX);
