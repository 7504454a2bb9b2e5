// Completion scripts as shells load them: the built CLI prints each, bash parses its script and its
// completion function answers for commands, options, option values and (from a running node) member
// URLs; zsh and fish parse theirs (.ci/run installs both shells).

import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_PATH, removeDataDir, spawnNode, type SpawnedNode } from './support/spawn-node';

const RUN_MS_MAX = 30_000;

let node: SpawnedNode;
let scratch: string;

beforeAll(async () => {
  node = await spawnNode();
  scratch = mkdtempSync(join(tmpdir(), 'swarmkv-completion-'));
});

afterAll(async () => {
  await node.stop();
  removeDataDir(node.dataDir);
  rmSync(scratch, { recursive: true, force: true });
});

/** The script `swarmkv completion <shell>` prints, saved to a file. */
function scriptFor(shell: string): string {
  const printed = spawnSync('node', [CLI_PATH, 'completion', shell], { encoding: 'utf8', timeout: RUN_MS_MAX });
  expect(printed.status).toBe(0);
  const path = join(scratch, `swarmkv.${shell}`);
  writeFileSync(path, printed.stdout);
  return path;
}

/** What bash's completion offers for `line` (the cursor at its end), with the script loaded. */
function bashCompletes(line: string): string[] {
  const program = [
    `source ${JSON.stringify(scriptFor('bash'))}`,
    `swarmkv() { node ${JSON.stringify(CLI_PATH)} "$@"; }`,
    'complete -p swarmkv',
    `COMP_LINE=${JSON.stringify(line)}; COMP_POINT=\${#COMP_LINE}`,
    'read -r -a COMP_WORDS <<< "$COMP_LINE"; COMP_CWORD=${#COMP_WORDS[@]}',
    '_swarmkv',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const result = spawnSync('bash', ['-c', program], { encoding: 'utf8', timeout: RUN_MS_MAX, env: { ...process.env, SWARMKV_URL: node.url } });
  expect(result.stderr).toBe('');
  const [registration, ...offered] = result.stdout.split('\n').filter((entry) => entry.length > 0);
  expect(registration).toBe('complete -o default -F _swarmkv swarmkv');
  return offered;
}

describe('bash', () => {
  test('the script parses (bash -n)', () => {
    const checked = spawnSync('bash', ['-n', scriptFor('bash')], { encoding: 'utf8' });
    expect({ status: checked.status, stderr: checked.stderr }).toEqual({ status: 0, stderr: '' });
  });

  test('commands, options and option values complete', () => {
    expect(bashCompletes('swarmkv st')).toEqual(['status']);
    expect(bashCompletes('swarmkv rep')).toEqual(['repair']);
    expect(bashCompletes('swarmkv reb')).toEqual(['rebalance']);
    expect(bashCompletes('swarmkv node --log-f')).toEqual(['--log-format']);
    expect(bashCompletes('swarmkv node --profile ')).toEqual(['local', 'lan', 'wan']);
    expect(bashCompletes('swarmkv up --log-level w')).toEqual(['warn']);
    expect(bashCompletes('swarmkv completion ')).toEqual(['bash', 'zsh', 'fish']);
    expect(bashCompletes('swarmkv ls --')).toEqual(['--prefix', '--limit', '--url', '--token', '--json', '-h', '--help'].filter((flag) => flag.startsWith('--')));
  }, RUN_MS_MAX);

  test('--url completes to the members of the running node', () => {
    expect(bashCompletes('swarmkv get --url ')).toEqual([node.url]);
    // bash splits words at ':', so it replaces only what follows the last one typed.
    const [, afterScheme] = node.url.split('http:');
    expect(bashCompletes('swarmkv get --url http:')).toEqual([afterScheme!]);
  }, RUN_MS_MAX);

  test('members of a node that does not answer: nothing, quietly', () => {
    const members = spawnSync('node', [CLI_PATH, 'completion', '--members', '--url', 'http://127.0.0.1:9'], { encoding: 'utf8', timeout: RUN_MS_MAX });
    expect({ status: members.status, stdout: members.stdout, stderr: members.stderr }).toEqual({ status: 0, stdout: '', stderr: '' });
  }, RUN_MS_MAX);
});

describe('zsh and fish', () => {
  test('the zsh script parses (zsh -n)', () => {
    const checked = spawnSync('zsh', ['-n', scriptFor('zsh')], { encoding: 'utf8' });
    expect({ status: checked.status, stderr: checked.stderr }).toEqual({ status: 0, stderr: '' });
  });

  test('the fish script parses and registers every command (fish -n, then complete -C)', () => {
    const path = scriptFor('fish');
    expect(spawnSync('fish', ['-n', path], { encoding: 'utf8' }).status).toBe(0);
    const offered = spawnSync('fish', ['-c', `source ${path}; complete -C 'swarmkv st'`], { encoding: 'utf8', timeout: RUN_MS_MAX });
    expect(offered.stdout).toMatch(/^status\tShow the members/m);
  });
});
