// `swarmkv export` and `swarmkv import` as users run them: the built CLI in child processes (and in
// shell pipelines), against real nodes. A standalone node's keys go out through export and into a
// second, empty node through import, every value intact; re-imports with --if-absent change nothing; a
// bad line stops an import at its number and --from-line resumes it; a node refusing a number it cannot
// keep exactly stops the import at that line; `export | head` ends quietly. Then a 3-process cluster:
// a dump imported through one node, exported through another at `all`, gives the same records, and
// `swarmkv status` right after shows every member's own count of them.

import { describe, expect, setDefaultTimeout, test } from 'bun:test';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NAMESPACES_AVAILABLE, useCluster } from './support/cluster';
import { useNode } from './support/node-lifecycle';
import { CLI_PATH, http } from './support/spawn-node';

setDefaultTimeout(60_000);

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A bash command line, with `swarmkv` meaning the built CLI; its exit code and output. */
function sh(command: string): Promise<Ran> {
  const child = spawn('bash', ['-o', 'pipefail', '-c', command.replaceAll('swarmkv ', `node ${CLI_PATH} `)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/** Keys and values that have broken dump formats elsewhere: separators, non-ASCII, controls, a large value. */
const SAMPLES: readonly [string, unknown][] = [
  ['user:1', { name: 'Ada', tags: ['x', 'y'], nested: { deep: [1, 2.5, -3e-7, null, true] } }],
  ['a/b c/é', 'slashes, spaces and é'],
  ['controls', 'tab\there, newline\nthere, DEL \u007f and C1 \u0085'],
  ['emoji 🐝', '🐝'],
  ['number', 9007199254740991],
  ['plain string', 'hello'],
  ['big', 'v'.repeat(200_000)],
];

describe('export and import between two standalone nodes', () => {
  const source = useNode();
  const target = useNode();
  let scratch = '';

  test('export writes one line per key in key order; import writes them into an empty node, values intact', async () => {
    scratch = mkdtempSync(join(tmpdir(), 'swarmkv-dump-'));
    for (const [key, value] of SAMPLES) expect((await http('PUT', `${source().url}/kv/${encodeURIComponent(key)}`, { json: { value } })).status).toBe(200);
    for (let index = 0; index < 300; index++) await http('PUT', `${source().url}/kv/bulk%2F${String(index).padStart(4, '0')}`, { json: { value: { index } } });
    const dump = join(scratch, 'dump.ndjson');

    const exported = await sh(`swarmkv export --url ${source().url} > ${dump}`);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toMatch(/exported 307 keys \(0\.\d MB\) in [\d.]+ s, [\d,]+ keys\/s\n$/);
    const lines = readFileSync(dump, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(307);
    const records = lines.map((line) => JSON.parse(line));
    const keys = records.map((record) => record.key);
    expect(keys).toEqual([...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    for (const [key, value] of SAMPLES) {
      const record = records.find((candidate) => candidate.key === key);
      const stored = (await http('GET', `${source().url}/kv/${encodeURIComponent(key)}`)).body;
      expect(record).toEqual({ key, value, version: stored.version, updatedAt: stored.updatedAt });
    }

    const imported = await sh(`swarmkv import ${dump} --url ${target().url}`);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/^imported 307 keys from .*dump\.ndjson \(0\.\d MB\) in [\d.]+ s, [\d,]+ keys\/s\n$/);
    expect(imported.stderr).toContain('import [##############################] 100 %');
    for (const [key, value] of SAMPLES) expect((await http('GET', `${target().url}/kv/${encodeURIComponent(key)}`)).body.value).toEqual(value);
    expect((await http('GET', `${target().url}/kv?prefix=bulk%2F&limit=1000`)).body.items).toHaveLength(300);
  });

  test('a re-import with --if-absent writes nothing and says so; export | import - copies too', async () => {
    const dump = join(scratch, 'dump.ndjson');
    const before = (await http('GET', `${target().url}/kv/user%3A1`)).body.version;
    const again = await sh(`swarmkv import ${dump} --if-absent --json --url ${target().url}`);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ written: 0, skipped: 307, lastLine: 307 });
    expect((await http('GET', `${target().url}/kv/user%3A1`)).body.version).toBe(before);

    const piped = await sh(`swarmkv export --prefix bulk/ --url ${source().url} | swarmkv import - --url ${target().url} --consistency all`);
    expect(piped.code).toBe(0);
    expect(piped.stdout).toMatch(/^imported 300 keys from stdin/);
    expect((await http('GET', `${target().url}/kv/bulk%2F0007`)).body.version > before).toBe(true);
  });

  test('a bad line stops the import at its number, nothing after it is written, and --from-line resumes', async () => {
    const dump = join(scratch, 'bad.ndjson');
    const good = (name: string) => JSON.stringify({ key: `resume/${name}`, value: name });
    writeFileSync(dump, [good('a'), good('b'), '', '{"key": "resume/c", "valu": 1}', good('d'), good('e')].join('\n'));
    const stopped = await sh(`swarmkv import ${dump} --url ${target().url}`);
    expect(stopped.code).toBe(2);
    expect(stopped.stdout).toMatch(/^imported 2 keys .*; stopped at line 4\n$/);
    expect(stopped.stderr).toContain('swarmkv: line 4 has no "value" field\nevery line before line 4 is written; fix the line or the cause and resume with --from-line 4');
    expect((await http('GET', `${target().url}/kv/resume%2Fb`)).status).toBe(200);
    expect((await http('GET', `${target().url}/kv/resume%2Fd`)).status).toBe(404);

    const resumed = await sh(`swarmkv import ${dump} --from-line 5 --url ${target().url}`);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/^imported 2 keys /);
    expect((await http('GET', `${target().url}/kv/resume%2Fe`)).body.value).toBe('e');
  });

  test('a number the node cannot keep exactly reaches it as written, and its refusal stops the import at that line', async () => {
    const dump = join(scratch, 'numbers.ndjson');
    writeFileSync(dump, `${JSON.stringify({ key: 'exact/ok', value: 1 })}\n{"key":"exact/big","value":12345678901234567890}\n`);
    const refused = await sh(`swarmkv import ${dump} --url ${target().url}`);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('line 2 (key "exact/big"): invalid_json: the number 12345678901234567890 cannot be stored exactly');
    expect((await http('GET', `${target().url}/kv/exact%2Fbig`)).status).toBe(404);
  });

  test('Ctrl-C stops sending, lets the writes in flight land, and says where to resume: exit 130', async () => {
    const dump = join(scratch, 'long.ndjson');
    const total = 20_000;
    writeFileSync(dump, `${Array.from({ length: total }, (_, index) => JSON.stringify({ key: `long/${String(index + 1).padStart(5, '0')}`, value: index + 1 })).join('\n')}\n`);
    const child = spawn('node', [CLI_PATH, 'import', dump, '--json', '--concurrency', '2', '--url', target().url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // The bar's first line past 0 %: the import is under way.
      if (/import \[#+-*\]\s+\d+ %/.test(stderr) && child.exitCode === null && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code).toBe(130);
    const summary = JSON.parse(stdout);
    const line = summary.failure.line as number;
    expect(line).toBeGreaterThan(1);
    expect(line).toBeLessThan(total);
    expect(summary.written).toBe(line - 1);
    expect(stderr).toContain(`swarmkv: interrupted before line ${line}\nevery line before line ${line} is written; resume with --from-line ${line}`);
    const last = `long%2F${String(line - 1).padStart(5, '0')}`;
    expect((await http('GET', `${target().url}/kv/${last}`)).body.value).toBe(line - 1);
    expect((await http('GET', `${target().url}/kv/long%2F${String(line).padStart(5, '0')}`)).status).toBe(404);
  });

  test('export into a reader that stops early ends quietly; usage errors name the flag', async () => {
    const head = await sh(`swarmkv export --url ${source().url} | head -n 2`);
    expect(head.code).toBe(0);
    expect(head.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(head.stderr).not.toContain('Error');
    const badConcurrency = await sh(`swarmkv import ${quote(join(scratch, 'dump.ndjson'))} --concurrency 0 --url ${target().url}`);
    expect(badConcurrency.code).toBe(2);
    expect(badConcurrency.stderr).toContain('--concurrency must be 1..256, got 0');
    const missing = await sh(`swarmkv import ${join(scratch, 'absent.ndjson')} --url ${target().url}`);
    expect(missing.code).toBe(5);
    expect(missing.stderr).toContain('ENOENT');
    rmSync(scratch, { recursive: true, force: true });
  });
});

describe.skipIf(!NAMESPACES_AVAILABLE)('import and export through a 3-node cluster', () => {
  const cluster = useCluster({ nodes: 3 });

  test('a dump imported through one node and exported through another at `all` gives back the same records', async () => {
    const [n1, n2, n3] = cluster().nodes;
    const scratch = mkdtempSync(join(tmpdir(), 'swarmkv-dump-'));
    const dump = join(scratch, 'in.ndjson');
    const entries = Array.from({ length: 2000 }, (_, index) => ({ key: `item:${index}`, value: { index, label: `item ${index}` } }));
    writeFileSync(dump, `${entries.map((entry) => JSON.stringify(entry)).join('\n')}\n`);

    const imported = await sh(`swarmkv import ${dump} --concurrency 32 --url ${n1!.url},${n2!.url}`);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/^imported 2,000 keys /);
    // status asks every member for its own key count: right after the import, not a gossip round later.
    const status = await sh(`swarmkv status --json --url ${n3!.url}`);
    expect((JSON.parse(status.stdout).members as { liveKeys: number }[]).map((member) => member.liveKeys)).toEqual([2000, 2000, 2000]);
    const exported = await sh(`swarmkv export --consistency all --url ${n3!.url} > ${join(scratch, 'out.ndjson')}`);
    expect(exported.code).toBe(0);
    const records = readFileSync(join(scratch, 'out.ndjson'), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(records.map(({ key, value }) => ({ key, value })).sort((a, b) => a.value.index - b.value.index)).toEqual(entries);
    rmSync(scratch, { recursive: true, force: true });
  });
});
