import { describe, expect, test } from 'bun:test';
import { CliFailure, exitCodes } from './exit-codes';
import { runExport, type ExportOptions, type LineSink, type Requester } from './export-run';
import type { NodeReply } from './node-client';

const reply = (status: number, body: unknown): NodeReply => ({ status, body, url: 'http://node' });

/** A node listing `keys` in pages of `pageSize` (the cursor is the index to go on from), answering reads from `values`. */
function fakeNode(keys: string[], values: Map<string, unknown>, pageSize: number, override?: (path: string) => NodeReply | undefined) {
  const paths: string[] = [];
  const client: Requester = {
    async request(_method, path) {
      paths.push(path);
      const forced = override?.(path);
      if (forced !== undefined) return forced;
      const url = new URL(path, 'http://node');
      if (url.pathname === '/kv') {
        const from = Number(url.searchParams.get('cursor') ?? '0');
        const prefix = url.searchParams.get('prefix') ?? '';
        const matching = keys.filter((key) => key.startsWith(prefix));
        const items = matching.slice(from, from + pageSize).map((key) => ({ key, version: 'v', updatedAt: 't' }));
        return reply(200, { items, next: from + pageSize < matching.length ? String(from + pageSize) : null });
      }
      // Reads finish out of order: later keys sooner.
      const key = decodeURIComponent(url.pathname.slice('/kv/'.length));
      await new Promise((resolve) => setTimeout(resolve, key.length % 3));
      if (!values.has(key)) return reply(404, { error: 'not_found', message: 'no such key' });
      return reply(200, { key, value: values.get(key), version: `ver-${key}`, updatedAt: '2026-12-05T00:00:00.000Z' });
    },
  };
  return { client, paths };
}

function sink(acceptLines = Number.POSITIVE_INFINITY): LineSink & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    async writeLine(line) {
      if (lines.length >= acceptLines) return false;
      lines.push(line);
      return true;
    },
  };
}

function options(client: Requester, out: LineSink, overrides: Partial<ExportOptions> = {}): ExportOptions {
  return { client, sink: out, prefix: '', concurrency: 4, consistency: undefined, forTerminal: false, progressStream: { write: () => true }, ...overrides };
}

const keys = Array.from({ length: 25 }, (_, index) => `key/${String(index).padStart(3, '0')}${'x'.repeat(index % 3)}`);
const values = new Map(keys.map((key, index) => [key, { index, text: 'é\u0085' }]));

describe('runExport', () => {
  test('every key in key order, across pages, one dump line each with its value, version and time', async () => {
    const node = fakeNode(keys, values, 10);
    const out = sink();
    const summary = await runExport(options(node.client, out, { consistency: 'all' }));
    expect(out.lines.map((line) => JSON.parse(line).key)).toEqual(keys);
    expect(JSON.parse(out.lines[3]!)).toEqual({ key: keys[3], value: { index: 3, text: 'é\u0085' }, version: `ver-${keys[3]}`, updatedAt: '2026-12-05T00:00:00.000Z' });
    expect(summary).toMatchObject({ exported: 25, vanished: 0, readerClosed: false });
    expect(summary.bytes).toBe(out.lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0));
    expect(node.paths.filter((path) => path.startsWith('/kv?'))).toHaveLength(3);
    expect(node.paths.filter((path) => path.startsWith('/kv/')).every((path) => path.endsWith('?consistency=all'))).toBe(true);
  });

  test('for a terminal the C1 controls are escaped, and the line is still the same JSON', async () => {
    const out = sink();
    await runExport(options(fakeNode(keys.slice(0, 1), values, 10).client, out, { forTerminal: true }));
    expect(out.lines[0]).toContain('\\u0085');
    expect(JSON.parse(out.lines[0]!).value.text).toBe('é\u0085');
  });

  test('a key deleted between its listing and its read is left out and counted', async () => {
    const fewer = new Map(values);
    fewer.delete(keys[4]!);
    const out = sink();
    const summary = await runExport(options(fakeNode(keys, fewer, 10).client, out));
    expect(summary).toMatchObject({ exported: 24, vanished: 1 });
    expect(out.lines.some((line) => JSON.parse(line).key === keys[4])).toBe(false);
  });

  test('--prefix exports only the keys under it', async () => {
    const out = sink();
    await runExport(options(fakeNode(keys, values, 10).client, out, { prefix: 'key/01' }));
    expect(out.lines.map((line) => JSON.parse(line).key)).toEqual(keys.filter((key) => key.startsWith('key/01')));
  });

  test('a reader that goes away ends the export quietly', async () => {
    const node = fakeNode(keys, values, 10);
    const summary = await runExport(options(node.client, sink(3)));
    expect(summary).toMatchObject({ exported: 3, readerClosed: true });
    expect(node.paths.filter((path) => path.startsWith('/kv?'))).toHaveLength(1);
  });

  test('a read the node refuses for good fails the export with the key and the right exit code', async () => {
    const node = fakeNode(keys, values, 10, (path) => (path === `/kv/${encodeURIComponent(keys[12]!)}` ? reply(500, { error: 'internal', message: 'bug' }) : undefined));
    const error = await runExport(options(node.client, sink())).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(CliFailure);
    expect((error as CliFailure).exitCode).toBe(exitCodes.refused);
    expect((error as CliFailure).message).toBe(`reading key "${keys[12]}": internal: bug (HTTP 500 from http://node)`);
  });
});
