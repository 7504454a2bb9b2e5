// The CLI as users run it: the built `swarmkv` executable in a child process, against a real node.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_PATH, removeDataDir, spawnNode, type SpawnedNode } from './support/spawn-node';

let node: SpawnedNode;
let scratch: string;

beforeAll(async () => {
  node = await spawnNode();
  scratch = mkdtempSync(join(tmpdir(), 'swarmkv-cli-'));
});

afterAll(async () => {
  await node.stop();
  removeDataDir(node.dataDir);
  rmSync(scratch, { recursive: true, force: true });
});

function swarmkv(args: string[], options: { input?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync('node', [CLI_PATH, ...args], {
    input: options.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, SWARMKV_URL: node.url, ...(options.env ?? {}) },
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('data commands', () => {
  test('put parses JSON values, get prints them back as JSON', () => {
    expect(swarmkv(['put', 'user:1', '{"name":"Ada","tags":["x"]}']).code).toBe(0);
    const got = swarmkv(['get', 'user:1']);
    expect(got.code).toBe(0);
    expect(JSON.parse(got.stdout)).toEqual({ name: 'Ada', tags: ['x'] });
  });

  test('a value that is not JSON is stored as a string', () => {
    expect(swarmkv(['put', 'greeting', 'hello world']).code).toBe(0);
    expect(JSON.parse(swarmkv(['get', 'greeting']).stdout)).toBe('hello world');
  });

  test('put - reads the value from stdin', () => {
    expect(swarmkv(['put', 'from-stdin', '-'], { input: '{"n": 42}\n' }).code).toBe(0);
    expect(JSON.parse(swarmkv(['get', 'from-stdin']).stdout)).toEqual({ n: 42 });
  });

  test('--json prints machine output with the version', () => {
    const put = swarmkv(['put', 'k', '1', '--json']);
    const written = JSON.parse(put.stdout);
    expect(written.key).toBe('k');
    const got = JSON.parse(swarmkv(['get', 'k', '--json']).stdout);
    expect(got).toMatchObject({ key: 'k', value: 1, version: written.version });
  });

  test('keys with slashes, spaces and non-ASCII travel intact', () => {
    expect(swarmkv(['put', 'a/b c/é', '1']).code).toBe(0);
    expect(swarmkv(['get', 'a/b c/é']).stdout.trim()).toBe('1');
  });

  test('del removes a key; get and del of a missing key exit 1', () => {
    swarmkv(['put', 'doomed', '1']);
    expect(swarmkv(['del', 'doomed']).code).toBe(0);
    const missing = swarmkv(['get', 'doomed']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('not_found');
    expect(swarmkv(['del', 'doomed']).code).toBe(1);
  });

  test('ls lists keys in order under a prefix and follows pages up to --limit', () => {
    for (let index = 0; index < 15; index++) swarmkv(['put', `list/${String(index).padStart(2, '0')}`, String(index)]);
    const listed = swarmkv(['ls', '--prefix', 'list/', '--limit', '12']);
    expect(listed.code).toBe(0);
    expect(listed.stdout.trim().split('\n')).toEqual(Array.from({ length: 12 }, (_, index) => `list/${String(index).padStart(2, '0')}`));
    const json = swarmkv(['ls', '--prefix', 'list/', '--json']).stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(json).toHaveLength(15);
    expect(json[0]).toMatchObject({ key: 'list/00' });
  });
});

describe('exit codes', () => {
  test('usage errors exit 2', () => {
    expect(swarmkv(['get']).code).toBe(2);
    const unknownCommand = swarmkv(['frobnicate']);
    expect(unknownCommand.code).toBe(2);
    // citty colours the word it quotes; on a pipe that would print as \x1b[36m.
    expect(unknownCommand.stderr).toStartWith('swarmkv: unknown command "frobnicate"; the commands are node, bootstrap, up, put, get');
    expect(swarmkv(['token', 'list']).stderr).toBe('swarmkv: unknown command "list"; the commands are create, ls, revoke (see swarmkv token --help)\n');
    expect(swarmkv(['ls', '--limit', 'many']).code).toBe(2);
    expect(swarmkv(['get', 'k', '--url', 'not a url']).code).toBe(2);
    expect(swarmkv(['put', 'x'.repeat(2000), '1']).code).toBe(2);
  });

  test('a reader that goes away early ends the command quietly with 0; a stdout that cannot be written, with 5', () => {
    // `true` exits without reading, before ls has its first page: every write of ls meets a closed pipe.
    const closed = spawnSync('bash', ['-o', 'pipefail', '-c', `node ${CLI_PATH} ls --limit 1000 --url ${node.url} | true`], { encoding: 'utf8', timeout: 30_000 });
    expect(closed.status).toBe(0);
    expect(closed.stderr).toBe('');
    const full = spawnSync('bash', ['-c', `node ${CLI_PATH} ls --limit 1000 --url ${node.url} > /dev/full`], { encoding: 'utf8', timeout: 30_000 });
    expect(full.status).toBe(5);
    expect(full.stderr).toBe('swarmkv: cannot write to stdout: ENOSPC\n');
  });

  test('an unreachable node exits 3, and the next --url is tried first', () => {
    const down = 'http://127.0.0.1:9';
    expect(swarmkv(['put', 'k', '1', '--url', node.url]).code).toBe(0);
    const unreachable = swarmkv(['get', 'k', '--url', down]);
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain('no node reachable');
    expect(swarmkv(['get', 'k', '--url', `${down},${node.url}`]).code).toBe(0);
  });

  test('an option the command does not define is a usage error, not ignored', () => {
    const misspelt = swarmkv(['get', 'k', '--jsn', '--url', node.url]);
    expect(misspelt.code).toBe(2);
    expect(misspelt.stderr).toContain('unknown option --jsn (see swarmkv get --help)');
    expect(swarmkv(['get', 'k', '--json', '--url', node.url]).code).not.toBe(2);
  });

  test('put, get and del take --consistency; another level is a usage error', () => {
    expect(swarmkv(['put', 'levels', '7', '--consistency', 'all', '--url', node.url]).code).toBe(0);
    const read = swarmkv(['get', 'levels', '--consistency', 'one', '--url', node.url]);
    expect(read.code).toBe(0);
    expect(read.stdout.trim()).toBe('7');
    const wrong = swarmkv(['get', 'levels', '--consistency', 'most', '--url', node.url]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--consistency must be one, quorum or all, got "most"');
    expect(swarmkv(['del', 'levels', '--consistency', 'quorum', '--url', node.url]).code).toBe(0);
  });

  test('a bad node flag is a usage error naming the flag', () => {
    const badFlag = swarmkv(['node', '--port', 'abc']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain('--port');
  });
});

describe('help', () => {
  test.each(['node', 'put', 'get', 'del', 'ls', 'run'])('%s --help shows usage and an example', (command) => {
    const help = swarmkv([command, '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Example');
  });

  test('bare swarmkv prints usage with the exit codes and exits 2', () => {
    const bare = swarmkv([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toContain('Exit codes');
  });
});

describe('scripts', () => {
  test('run executes every line, skipping comments and blank lines', () => {
    const script = join(scratch, 'seed.swarmkv');
    writeFileSync(script, ['# seed data', 'put s:1 \'{"a": 1}\'', '', 'put "s:2" "two words"   # trailing comment', 'del s:1', 'get s:2'].join('\n'));
    const run = swarmkv(['run', script]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n').at(-1)).toBe('"two words"');
    expect(swarmkv(['get', 's:1']).code).toBe(1);
  });

  test('run stops at the first failing line with its exit code', () => {
    const run = swarmkv(['run', '-'], { input: 'put t:1 1\nget t:missing\nput t:2 2\n' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('line 2');
    expect(swarmkv(['get', 't:2']).code).toBe(1);
  });

  test('--keep-going runs the rest and still exits with the first failure', () => {
    const run = swarmkv(['run', '-', '--keep-going'], { input: 'get u:missing\nput u:2 2\n' });
    expect(run.code).toBe(1);
    expect(swarmkv(['get', 'u:2']).code).toBe(0);
  });

  test('shell operators and nested node/run lines are refused before anything runs', () => {
    expect(swarmkv(['run', '-'], { input: 'put v:1 1\nget v:1 | cat\n' }).code).toBe(2);
    expect(swarmkv(['get', 'v:1']).code).toBe(1);
    expect(swarmkv(['run', '-'], { input: 'node --port 1\n' }).code).toBe(2);
  });

  test('a missing script file is a usage error', () => {
    expect(swarmkv(['run', join(scratch, 'nope')]).code).toBe(2);
  });
});

describe('repair', () => {
  test('swarmkv repair on a standalone node completes at once, draws its bar, and status shows the repair', () => {
    const repaired = swarmkv(['repair']);
    expect({ code: repaired.code, stderr: repaired.stderr }).toMatchObject({ code: 0 });
    expect(repaired.stdout).toMatch(/^repaired 0 keys on 1 node, 0 bytes exchanged, in [\d.]+ s\n$/);
    expect(repaired.stderr).toContain('repair (1 node) [');
    expect(repaired.stderr).toContain('100 %');
    expect(JSON.parse(swarmkv(['repair', '--one', '--json']).stdout)).toMatchObject({ nodes: 1, keysRepaired: 0 });
    expect(swarmkv(['status']).stdout).toMatch(/last repair: \S+Z, 0 keys repaired, 0 bytes exchanged, 0 ms/);
    const help = swarmkv(['repair', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples\n  swarmkv repair');
  });
});
