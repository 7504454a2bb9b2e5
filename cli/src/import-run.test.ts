import { describe, expect, test } from 'bun:test';
import { exitCodes } from './exit-codes';
import { runImport, type ImportOptions, type JsonTextSender } from './import-run';
import type { NodeReply } from './node-client';

interface Sent {
  readonly method: string;
  readonly path: string;
  readonly body: string | undefined;
}

/** A node in a Map: PUT replaces, POST creates if absent (409 otherwise); `answer` can override a reply. */
function fakeNode(answer?: (sent: Sent, attempt: number) => number | undefined) {
  const stored = new Map<string, unknown>();
  const sent: Sent[] = [];
  const attempts = new Map<string, number>();
  let inFlight = 0;
  let inFlightMax = 0;
  const client: JsonTextSender = {
    async requestWithJsonText(method, path, body): Promise<NodeReply> {
      inFlight += 1;
      inFlightMax = Math.max(inFlightMax, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight -= 1;
      const record = { method, path, body };
      sent.push(record);
      const parsed = JSON.parse(body!) as { key: string; value: unknown };
      const attempt = (attempts.get(parsed.key) ?? 0) + 1;
      attempts.set(parsed.key, attempt);
      const forced = answer?.(record, attempt);
      const reply = (status: number, replyBody: unknown = {}): NodeReply => ({ status, body: replyBody, url: 'http://node' });
      if (forced !== undefined) return reply(forced, { error: forced === 503 ? 'insufficient_replicas' : 'invalid_key', message: 'forced' });
      if (method === 'POST' && stored.has(parsed.key)) return reply(409, { error: 'conflict', message: 'exists' });
      stored.set(parsed.key, parsed.value);
      return reply(method === 'POST' ? 201 : 200);
    },
    async request(method, path): Promise<NodeReply> {
      const key = decodeURIComponent(path.replace(/^\/kv\//, '').replace(/\?.*$/, ''));
      if (method !== 'GET' || !stored.has(key)) return { status: 404, body: { error: 'not_found', message: 'no such key' }, url: 'http://node' };
      return { status: 200, body: { key, value: stored.get(key) }, url: 'http://node' };
    },
  };
  return { client, stored, sent, inFlightMax: () => inFlightMax };
}

async function* chunks(text: string): AsyncGenerator<Buffer> {
  yield Buffer.from(text);
}

const silent = { write: () => true };

function options(client: JsonTextSender, text: string, overrides: Partial<ImportOptions> = {}): ImportOptions {
  return { client, input: chunks(text), fileBytes: text.length, concurrency: 4, fromLine: 1, ifAbsent: false, consistency: undefined, progressStream: silent, ...overrides };
}

const lines = (count: number) => Array.from({ length: count }, (_, index) => JSON.stringify({ key: `k${index + 1}`, value: { n: index + 1 }, version: 'ignored' })).join('\n');

describe('runImport', () => {
  test('every line is PUT under its key with the line itself as the body, at most --concurrency at once', async () => {
    const node = fakeNode();
    const summary = await runImport(options(node.client, `${lines(40)}\n`, { concurrency: 4 }));
    expect(summary).toMatchObject({ written: 40, skipped: 0, lastLine: 40, retries: 0 });
    expect(summary.failure).toBeUndefined();
    expect(node.stored.get('k7')).toEqual({ n: 7 });
    expect(node.sent.find((sent) => sent.path === '/kv/k7')).toEqual({ method: 'PUT', path: '/kv/k7', body: JSON.stringify({ key: 'k7', value: { n: 7 }, version: 'ignored' }) });
    expect(node.inFlightMax()).toBe(4);
  });

  test('a number no double holds exactly reaches the node as written', async () => {
    const node = fakeNode();
    const line = '{"key":"big","value":12345678901234567890}';
    await runImport(options(node.client, line, { consistency: 'all' }));
    expect(node.sent).toEqual([{ method: 'PUT', path: '/kv/big?consistency=all', body: line }]);
  });

  test('--if-absent: a create retried after a lost answer whose first attempt landed counts as written, not skipped', async () => {
    // The first attempt at k2 lands but its answer is a 503 (its replica writes came late); the retry
    // meets the key it created itself. k3 was there before, with another value: skipped.
    const node = fakeNode((sent, attempt) => {
      if (sent.body?.includes('"k2"') && attempt === 1) {
        node.stored.set('k2', { n: 2 });
        return 503;
      }
      return undefined;
    });
    node.stored.set('k3', 'older');
    const summary = await runImport(options(node.client, lines(3), { ifAbsent: true }));
    expect(summary).toMatchObject({ written: 2, skipped: 1, retries: 1 });
    expect(node.stored.get('k3')).toBe('older');
  });

  test('--if-absent creates with POST /kv and counts the keys that exist as skipped', async () => {
    const node = fakeNode();
    node.stored.set('k2', 'old');
    const summary = await runImport(options(node.client, lines(3), { ifAbsent: true }));
    expect(summary).toMatchObject({ written: 2, skipped: 1 });
    expect(node.stored.get('k2')).toBe('old');
    expect(new Set(node.sent.map((sent) => `${sent.method} ${sent.path}`))).toEqual(new Set(['POST /kv']));
  });

  test('a line that is not a record stops the import there: every line before it written, none after it sent', async () => {
    const node = fakeNode();
    const text = [lines(5), '{"key": "no value"}', lines(3).replaceAll('"k', '"later')].join('\n');
    const summary = await runImport(options(node.client, text));
    expect(summary.written).toBe(5);
    expect(summary.failure).toMatchObject({ line: 6, exitCode: exitCodes.usage });
    expect(summary.failure!.message).toContain('line 6 has no "value" field');
    expect(summary.failure!.message).toContain('every line before line 6 is written; fix the line or the cause and resume with --from-line 6');
    expect(node.sent.some((sent) => sent.path.startsWith('/kv/later'))).toBe(false);
  });

  test('a write the node refuses stops the import with that line, the lowest one when several fail', async () => {
    const node = fakeNode((sent) => (sent.path === '/kv/k5' || sent.path === '/kv/k7' ? 400 : undefined));
    const summary = await runImport(options(node.client, lines(50), { concurrency: 8 }));
    expect(summary.failure).toMatchObject({ line: 5, exitCode: exitCodes.usage });
    expect(summary.failure!.message).toContain('line 5 (key "k5"): invalid_key: forced (HTTP 400 from http://node)');
    for (let line = 1; line < 5; line++) expect(node.stored.has(`k${line}`)).toBe(true);
    expect(node.sent.length).toBeLessThan(50);
  });

  test('a transient refusal is retried, and the retry counted', async () => {
    const node = fakeNode((sent, attempt) => (sent.path === '/kv/k2' && attempt === 1 ? 503 : undefined));
    const summary = await runImport(options(node.client, lines(3)));
    expect(summary).toMatchObject({ written: 3, retries: 1 });
    expect(summary.failure).toBeUndefined();
  });

  test('a stop request sends no more lines, lets those in flight land, and names the line to resume at', async () => {
    const node = fakeNode();
    const summary = await runImport(options(node.client, lines(20), { concurrency: 1, stopRequested: () => node.sent.length >= 3 }));
    expect(summary).toMatchObject({ written: 3, failure: { line: 4, exitCode: exitCodes.interrupted } });
    expect(summary.failure!.message).toBe('interrupted before line 4\nevery line before line 4 is written; resume with --from-line 4');
    expect(node.stored.has('k4')).toBe(false);
  });

  test('a stop that comes as the input ends (a piped producer killed by the same Ctrl-C) is still an interruption', async () => {
    const node = fakeNode();
    const summary = await runImport(options(node.client, lines(3), { stopRequested: () => node.sent.length >= 1 }));
    expect(summary.written).toBe(3);
    expect(summary.failure).toMatchObject({ line: 4, exitCode: exitCodes.interrupted });
  });

  test('--from-line resumes: the lines before it are read and not written', async () => {
    const node = fakeNode();
    const summary = await runImport(options(node.client, lines(10), { fromLine: 8 }));
    expect(summary).toMatchObject({ written: 3, lastLine: 10 });
    expect([...node.stored.keys()].sort()).toEqual(['k10', 'k8', 'k9']);
  });

  test('progress: a bar against the file size elsewhere than a terminal, a count from stdin', async () => {
    const barLines: string[] = [];
    await runImport(options(fakeNode().client, lines(3), { progressStream: { write: (text: string) => barLines.push(text) } }));
    expect(barLines.at(-1)).toMatch(/^import \[#+\] 100 % .* MB  3 keys, .* keys\/s, line 3\n$/);
    const countLines: string[] = [];
    await runImport(options(fakeNode().client, lines(3), { fileBytes: undefined, progressStream: { write: (text: string) => countLines.push(text) } }));
    expect(countLines[0]).toMatch(/^import {2}0\.0 MB, /);
  });
});
