// A table of bad requests against a node holding known data. Each row names the status and error code it
// must get; after every row the stored data must be exactly what it was (a listing of every key with
// its version, the affected key read back, and the health counts, which see tombstones too). Positive
// controls sit at each limit: they must succeed and change only their own key. No row may get a 500,
// and the node must be healthy and alive at the end.

import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { keyPath, listAll, requestCount, scrape } from './support/kv-client';
import { HOOK_TIMEOUT_MS, isAlive, stopBounded } from './support/node-lifecycle';
import { rawChunkedUpload } from './support/raw-http';
import { http, removeDataDir, spawnNode, type SpawnedNode } from './support/spawn-node';

const KEY_BYTES_MAX = 1024;
const VALUE_BYTES_MAX = 1024 * 1024;
/** The body may exceed the value limit by this envelope (limits.ts BODY_ENVELOPE_BYTES_MAX). */
const BODY_BYTES_MAX = VALUE_BYTES_MAX + 4 * 1024;
const CHUNK_BYTES = 64 * 1024;
/** A row sends at most a few MiB and takes a few snapshots; generous for a loaded 2-core machine. */
const ROW_TIMEOUT_MS = 20_000;
setDefaultTimeout(ROW_TIMEOUT_MS);

type Body = string | Uint8Array | (() => ReadableStream<Uint8Array>);

interface Row {
  readonly name: string;
  readonly method: string;
  /** A function when the path depends on the node's data (a cursor it issued). */
  readonly path: string | (() => string);
  readonly headers?: Record<string, string>;
  readonly body?: Body;
  /** Instead of `body`: this many bytes chunked over a raw socket that keeps sending after an answer. */
  readonly rawChunkedBytes?: number;
  /** Defaults to application/json when there is a body; null sends none. */
  readonly contentType?: string | null;
  readonly status: number;
  /** The error code; absent for a positive control, which must write `writes` and nothing else. */
  readonly error?: string;
  readonly message?: RegExp;
  /** The key this row aims at: read back before and after. */
  readonly key?: string;
  /** Positive controls: the key written and the value it must then hold. */
  readonly writes?: { readonly key: string; readonly value: unknown };
}

const json = (value: unknown) => JSON.stringify(value);

/** A value whose compact JSON is exactly `bytes` bytes of UTF-8 but far fewer characters (é is 2 bytes). */
function valueOfJsonBytes(bytes: number): unknown {
  const shape = (pad: string) => ({ pad, list: [1, 2.5, null, true], quote: '"\\\n', emoji: '🚀' });
  const rest = bytes - Buffer.byteLength(json(shape('')));
  const value = shape('é'.repeat(Math.floor(rest / 2)) + 'x'.repeat(rest % 2));
  if (Buffer.byteLength(json(value)) !== bytes) throw new Error(`could not build a ${bytes}-byte value`);
  return value;
}

/** A streamed body of `bytes` bytes, sent chunked (no Content-Length): the node can only count. */
function chunkedBody(bytes: number, text?: string): () => ReadableStream<Uint8Array> {
  return () => {
    let sent = 0;
    const source = text === undefined ? undefined : new TextEncoder().encode(text);
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (source !== undefined) {
          // Small valid bodies go in two pieces, to prove they are reassembled.
          controller.enqueue(source.subarray(0, 5));
          controller.enqueue(source.subarray(5));
          return controller.close();
        }
        if (sent >= bytes) return controller.close();
        const size = Math.min(CHUNK_BYTES, bytes - sent);
        controller.enqueue(new Uint8Array(size).fill(sent === 0 ? 0x7b : 0x20));
        sent += size;
      },
    });
  };
}

const atValueLimit = valueOfJsonBytes(VALUE_BYTES_MAX);
const overValueLimit = valueOfJsonBytes(VALUE_BYTES_MAX + 1);
const overBodyLimit = `{"value":"${'x'.repeat(BODY_BYTES_MAX + 1 - 12)}"}`;
const invalidUtf8 = new Uint8Array([...Buffer.from('{"value":"'), 0xff, 0xfe, ...Buffer.from('"}')]);
let foreignCursor = '';

const rows: Row[] = [
  // Bodies that are not JSON, or not the JSON we want.
  { name: 'malformed JSON', method: 'PUT', path: '/kv/known', body: '{"value":', status: 400, error: 'invalid_json' },
  { name: 'JSON followed by garbage', method: 'PUT', path: '/kv/known', body: '{"value":1}x', status: 400, error: 'invalid_json' },
  { name: 'single-quoted pseudo-JSON', method: 'PUT', path: '/kv/known', body: "{'value':1}", status: 400, error: 'invalid_json' },
  { name: 'an empty JSON body', method: 'PUT', path: '/kv/known', body: '', status: 400, error: 'invalid_json' },
  { name: 'POST malformed JSON', method: 'POST', path: '/kv', body: '{"key":"new",', status: 400, error: 'invalid_json', key: 'new' },
  { name: 'invalid UTF-8 inside a JSON string', method: 'PUT', path: '/kv/utf8', body: invalidUtf8, status: 400, error: 'invalid_json', key: 'utf8' },
  { name: 'a JSON array', method: 'PUT', path: '/kv/known', body: '[]', status: 400, error: 'invalid_body' },
  { name: 'an array holding the object', method: 'PUT', path: '/kv/known', body: '[{"value":1}]', status: 400, error: 'invalid_body' },
  { name: 'a JSON number', method: 'PUT', path: '/kv/known', body: '5', status: 400, error: 'invalid_body' },
  { name: 'a JSON string', method: 'PUT', path: '/kv/known', body: '"x"', status: 400, error: 'invalid_body' },
  { name: 'JSON null', method: 'PUT', path: '/kv/known', body: 'null', status: 400, error: 'invalid_body' },
  { name: 'JSON true', method: 'PUT', path: '/kv/known', body: 'true', status: 400, error: 'invalid_body' },
  { name: 'an empty object (no value)', method: 'PUT', path: '/kv/known', body: '{}', status: 400, error: 'invalid_body' },
  { name: 'a misspelt value field', method: 'PUT', path: '/kv/known', body: json({ valeu: 1 }), status: 400, error: 'invalid_body' },
  { name: 'Value with a capital V', method: 'PUT', path: '/kv/known', body: json({ Value: 1 }), status: 400, error: 'invalid_body' },
  { name: 'value only inherited through __proto__', method: 'PUT', path: '/kv/known', body: '{"__proto__":{"value":1}}', status: 400, error: 'invalid_body' },
  { name: 'POST a key without a value', method: 'POST', path: '/kv', body: json({ key: 'new' }), status: 400, error: 'invalid_body', key: 'new' },
  // Bodies that are not declared as JSON.
  { name: 'PUT text/plain', method: 'PUT', path: '/kv/known', body: json({ value: 1 }), contentType: 'text/plain', status: 415, error: 'unsupported_media_type' },
  { name: 'PUT with no content type', method: 'PUT', path: '/kv/known', body: json({ value: 1 }), contentType: null, status: 415, error: 'unsupported_media_type' },
  { name: 'POST form-urlencoded', method: 'POST', path: '/kv', body: 'key=new&value=1', contentType: 'application/x-www-form-urlencoded', status: 415, error: 'unsupported_media_type', key: 'new' },
  { name: 'POST multipart', method: 'POST', path: '/kv', body: '--b\r\n\r\n{"value":1}\r\n--b--', contentType: 'multipart/form-data; boundary=b', status: 415, error: 'unsupported_media_type' },
  { name: 'PUT application/jsonx (only starts like JSON)', method: 'PUT', path: '/kv/known', body: json({ value: 1 }), contentType: 'application/jsonx', status: 415, error: 'unsupported_media_type' },
  { name: 'PUT TEXT/PLAIN given as a raw header', method: 'PUT', path: '/kv/known', headers: { 'Content-Type': 'TEXT/PLAIN; charset=utf-8' }, body: json({ value: 1 }), contentType: null, status: 415, error: 'unsupported_media_type' },
  { name: 'PUT application/xml', method: 'PUT', path: '/kv/known', body: '<value>1</value>', contentType: 'application/xml', status: 415, error: 'unsupported_media_type' },
  // Keys.
  { name: 'POST an empty key', method: 'POST', path: '/kv', body: json({ key: '', value: 1 }), status: 400, error: 'invalid_key' },
  { name: 'POST a numeric key', method: 'POST', path: '/kv', body: json({ key: 7, value: 1 }), status: 400, error: 'invalid_key', key: '7' },
  { name: 'POST an object key', method: 'POST', path: '/kv', body: json({ key: { a: 1 }, value: 1 }), status: 400, error: 'invalid_key' },
  { name: 'POST an array key', method: 'POST', path: '/kv', body: json({ key: ['known'], value: 1 }), status: 400, error: 'invalid_key', key: 'known' },
  { name: 'POST a null key', method: 'POST', path: '/kv', body: json({ key: null, value: 1 }), status: 400, error: 'invalid_key' },
  { name: 'POST a boolean key', method: 'POST', path: '/kv', body: json({ key: true, value: 1 }), status: 400, error: 'invalid_key', key: 'true' },
  { name: 'POST a key with a lone surrogate', method: 'POST', path: '/kv', body: '{"key":"a\\ud800","value":1}', status: 400, error: 'invalid_key' },
  { name: 'POST the dot-segment key "."', method: 'POST', path: '/kv', body: json({ key: '.', value: 1 }), status: 400, error: 'invalid_key' },
  { name: 'POST the dot-segment key ".."', method: 'POST', path: '/kv', body: json({ key: '..', value: 1 }), status: 400, error: 'invalid_key' },
  { name: 'PUT a 1025-byte key', method: 'PUT', path: keyPath('k'.repeat(KEY_BYTES_MAX + 1)), body: json({ value: 1 }), status: 400, error: 'invalid_key' },
  { name: 'GET a 1025-byte key', method: 'GET', path: keyPath('k'.repeat(KEY_BYTES_MAX + 1)), status: 400, error: 'invalid_key' },
  { name: 'POST a 1025-byte key', method: 'POST', path: '/kv', body: json({ key: 'p'.repeat(KEY_BYTES_MAX + 1), value: 1 }), status: 400, error: 'invalid_key' },
  { name: 'PUT 513 × é: 1026 bytes in 513 characters', method: 'PUT', path: keyPath('é'.repeat(513)), body: json({ value: 1 }), status: 400, error: 'invalid_key' },
  { name: 'POST 513 × é: 1026 bytes in 513 characters', method: 'POST', path: '/kv', body: json({ key: 'é'.repeat(513), value: 1 }), status: 400, error: 'invalid_key' },
  { name: 'PUT 257 × 🚀: 1028 bytes in 257 code points', method: 'PUT', path: keyPath('🚀'.repeat(257)), body: json({ value: 1 }), status: 400, error: 'invalid_key' },
  { name: 'PUT a key with %FF', method: 'PUT', path: '/kv/%FF', body: json({ value: 1 }), status: 400, error: 'invalid_key' },
  { name: 'GET a key with %FF', method: 'GET', path: '/kv/%FF', status: 400, error: 'invalid_key' },
  { name: 'DELETE a key with %FF', method: 'DELETE', path: '/kv/%FF', status: 400, error: 'invalid_key' },
  { name: 'PUT a truncated UTF-8 sequence %E2%82', method: 'PUT', path: '/kv/%E2%82', body: json({ value: 1 }), status: 400, error: 'invalid_key' },
  { name: 'GET a truncated UTF-8 sequence %E2%82', method: 'GET', path: '/kv/%E2%82', status: 400, error: 'invalid_key' },
  { name: 'PUT a dangling % (a%)', method: 'PUT', path: '/kv/a%', body: json({ value: 1 }), status: 400, error: 'invalid_key', key: 'a' },
  { name: 'GET a dangling % (a%)', method: 'GET', path: '/kv/a%', status: 400, error: 'invalid_key' },
  { name: 'DELETE a dangling % (a%)', method: 'DELETE', path: '/kv/a%', status: 400, error: 'invalid_key', key: 'a' },
  { name: 'GET a non-hex escape %ZZ', method: 'GET', path: '/kv/%ZZ', status: 400, error: 'invalid_key' },
  { name: 'GET an encoded surrogate %ED%A0%80', method: 'GET', path: '/kv/%ED%A0%80', status: 400, error: 'invalid_key' },
  { name: 'PUT an encoded surrogate %ED%A0%80', method: 'PUT', path: '/kv/%ED%A0%80', body: json({ value: 1 }), status: 400, error: 'invalid_key' },
  { name: 'GET an overlong "/" %C0%AF', method: 'GET', path: '/kv/%C0%AF', status: 400, error: 'invalid_key' },
  // Sizes.
  { name: 'PUT a body over the limit (Content-Length)', method: 'PUT', path: '/kv/known', body: overBodyLimit, status: 413, error: 'payload_too_large' },
  { name: 'POST a body over the limit (Content-Length)', method: 'POST', path: '/kv', body: overBodyLimit, status: 413, error: 'payload_too_large' },
  { name: 'PUT a 2 MiB chunked body (no Content-Length)', method: 'PUT', path: '/kv/known', body: chunkedBody(2 * VALUE_BYTES_MAX), status: 413, error: 'payload_too_large' },
  { name: 'PUT 8 MiB chunked from a raw client that keeps sending', method: 'PUT', path: '/kv/known', rawChunkedBytes: 8 * VALUE_BYTES_MAX, status: 413, error: 'payload_too_large' },
  { name: 'PUT a value of 1 MiB + 1 byte', method: 'PUT', path: '/kv/known', body: json({ value: overValueLimit }), status: 413, error: 'payload_too_large' },
  { name: 'POST a value of 1 MiB + 1 byte', method: 'POST', path: '/kv', body: json({ key: 'new', value: overValueLimit }), status: 413, error: 'payload_too_large', key: 'new' },
  // Listing queries.
  ...['0', '1001', 'abc', '-1', '1.5', '', '1e3', ' 10'].map(
    (limit): Row => ({ name: `list limit=${JSON.stringify(limit)}`, method: 'GET', path: `/kv?limit=${encodeURIComponent(limit)}`, status: 400, error: 'invalid_query' }),
  ),
  { name: 'list with limit given twice', method: 'GET', path: '/kv?limit=1&limit=2', status: 400, error: 'invalid_query' },
  { name: 'list with prefix given twice', method: 'GET', path: '/kv?prefix=a&prefix=b', status: 400, error: 'invalid_query' },
  { name: 'list with a punctuation cursor', method: 'GET', path: '/kv?cursor=%21%21%21', status: 400, error: 'invalid_query' },
  { name: 'list with a cursor that is not one of ours', method: 'GET', path: '/kv?cursor=zz', status: 400, error: 'invalid_query' },
  { name: 'list with a 10,000-character cursor', method: 'GET', path: `/kv?cursor=${'A'.repeat(10_000)}`, status: 400, error: 'invalid_query' },
  { name: 'list with a cursor from another prefix', method: 'GET', path: () => `/kv?prefix=zzz&cursor=${encodeURIComponent(foreignCursor)}`, status: 400, error: 'invalid_query' },
  { name: 'list with a prefix over 1900 bytes', method: 'GET', path: `/kv?prefix=${'p'.repeat(1901)}`, status: 400, error: 'invalid_query' },
  { name: 'an unknown consistency level', method: 'PUT', path: '/kv/known?consistency=most', body: json({ value: 1 }), status: 400, error: 'invalid_query' },
  // Ring what-if questions (checked in full before the node's ring is looked at).
  ...['', '?add=0', '?add=65', '?add=two', '?add=-1', '?add=1&add=2', '?remove=', '?remove=a&remove=a', '?drop=1', `?remove=${'n'.repeat(257)}`].map(
    (query): Row => ({ name: `what-if ${JSON.stringify(query)}`, method: 'GET', path: `/cluster/ring/what-if${query}`, status: 400, error: 'invalid_query' }),
  ),
  { name: 'what-if on a standalone node (no ring to change)', method: 'GET', path: '/cluster/ring/what-if?add=1', status: 409, error: 'conflict' },
  // Routes, conflicts and absent keys.
  { name: 'GET an unknown route', method: 'GET', path: '/nope', status: 404, error: 'route_not_found' },
  { name: 'POST an unknown route', method: 'POST', path: '/kv-typo', body: json({ value: 1 }), status: 404, error: 'route_not_found' },
  { name: 'PUT the collection /kv', method: 'PUT', path: '/kv', body: json({ value: 1 }), status: 404, error: 'route_not_found' },
  { name: 'GET /kv/a/b (an unencoded slash)', method: 'GET', path: '/kv/a/b', status: 404, error: 'route_not_found', message: /%2F/, key: 'a/b' },
  { name: 'PUT /kv/a/b (an unencoded slash)', method: 'PUT', path: '/kv/a/b', body: json({ value: 'clobbered' }), status: 404, error: 'route_not_found', message: /%2F/, key: 'a/b' },
  { name: 'DELETE /kv/a/b (an unencoded slash)', method: 'DELETE', path: '/kv/a/b', status: 404, error: 'route_not_found', message: /%2F/, key: 'a/b' },
  { name: 'POST an existing key', method: 'POST', path: '/kv', body: json({ key: 'known', value: 'clobbered' }), status: 409, error: 'conflict' },
  { name: 'GET a missing key', method: 'GET', path: '/kv/missing', status: 404, error: 'not_found', key: 'missing' },
  { name: 'GET a missing key with Accept: text/html still gets JSON', method: 'GET', path: '/kv/missing', headers: { accept: 'text/html' }, status: 404, error: 'not_found', key: 'missing' },
  { name: 'GET a deleted key', method: 'GET', path: '/kv/gone', status: 404, error: 'not_found', key: 'gone' },
  { name: 'DELETE a missing key', method: 'DELETE', path: '/kv/missing', status: 404, error: 'not_found', key: 'missing' },
  { name: 'DELETE a deleted key', method: 'DELETE', path: '/kv/gone', status: 404, error: 'not_found', key: 'gone' },
  // Leaving and removing (a standalone node has no cluster: nothing can change).
  { name: 'POST /cluster/leave on a standalone node', method: 'POST', path: '/cluster/leave', status: 409, error: 'conflict' },
  { name: 'remove a member named by something not a node id', method: 'POST', path: '/cluster/members/n4/remove', status: 400, error: 'invalid_query' },
  { name: 'remove a member named in upper-case hex', method: 'POST', path: '/cluster/members/0123456789ABCDEF/remove', status: 400, error: 'invalid_query' },
  { name: 'remove a member named by 10,000 characters', method: 'POST', path: `/cluster/members/${'a'.repeat(10_000)}/remove`, status: 400, error: 'invalid_query' },
  { name: 'remove a member this node does not know', method: 'POST', path: '/cluster/members/0123456789abcdef/remove', status: 404, error: 'not_found' },
  // Positive controls: exactly at each limit is accepted.
  { name: 'PUT a key of exactly 1024 ASCII bytes', method: 'PUT', path: keyPath('k'.repeat(KEY_BYTES_MAX)), body: json({ value: 1 }), status: 200, writes: { key: 'k'.repeat(KEY_BYTES_MAX), value: 1 } },
  { name: 'PUT 512 × é: exactly 1024 bytes', method: 'PUT', path: keyPath('é'.repeat(512)), body: json({ value: 2 }), status: 200, writes: { key: 'é'.repeat(512), value: 2 } },
  { name: 'POST 256 × 🚀: exactly 1024 bytes', method: 'POST', path: '/kv', body: json({ key: '🚀'.repeat(256), value: 3 }), status: 201, writes: { key: '🚀'.repeat(256), value: 3 } },
  { name: 'PUT a value of exactly 1 MiB of JSON', method: 'PUT', path: '/kv/at-limit', body: json({ value: atValueLimit }), status: 200, writes: { key: 'at-limit', value: atValueLimit } },
  { name: 'PUT a 1 MiB value with indentation (the value, not the body, is measured)', method: 'PUT', path: '/kv/at-limit-pretty', body: JSON.stringify({ value: atValueLimit }, null, 2), status: 200, writes: { key: 'at-limit-pretty', value: atValueLimit } },
  { name: 'POST a 1024-byte key with a 1 MiB value', method: 'POST', path: '/kv', body: json({ key: 'q'.repeat(KEY_BYTES_MAX), value: atValueLimit }), status: 201, writes: { key: 'q'.repeat(KEY_BYTES_MAX), value: atValueLimit } },
  { name: 'PUT a small chunked body', method: 'PUT', path: '/kv/chunked', body: chunkedBody(0, json({ value: 'streamed' })), status: 200, writes: { key: 'chunked', value: 'streamed' } },
  { name: 'PUT application/merge-patch+json (a +json type)', method: 'PUT', path: '/kv/plus-json', body: json({ value: 4 }), contentType: 'application/merge-patch+json', status: 200, writes: { key: 'plus-json', value: 4 } },
  { name: 'PUT application/json; charset=utf-8', method: 'PUT', path: '/kv/charset', body: json({ value: 5 }), contentType: 'application/json; charset=utf-8', status: 200, writes: { key: 'charset', value: 5 } },
];

const KNOWN: Record<string, unknown> = { known: { k: 'known' }, 'a/b': 'slash', a: 'just a', é: 'accent', 'list/1': 1, 'list/2': 2, 'list/3': 3 };
let node: SpawnedNode;
const statusesSeen: number[] = [];

async function send(row: Row): Promise<{ status: number; text: string; contentType: string | null }> {
  const path = typeof row.path === 'function' ? row.path() : row.path;
  if (row.rawChunkedBytes !== undefined) {
    const { response } = await rawChunkedUpload(node.url, row.method, path, row.rawChunkedBytes);
    return { status: response?.status ?? 0, text: response?.text ?? '', contentType: response?.headers['content-type'] ?? null };
  }
  const headers: Record<string, string> = { ...(row.headers ?? {}) };
  const contentType = row.contentType === undefined ? (row.body === undefined ? null : 'application/json') : row.contentType;
  if (contentType !== null) headers['content-type'] = contentType;
  const body = typeof row.body === 'function' ? row.body() : row.body;
  // A connection of its own per row (keepalive off): Bun's fetch stops uploading a streamed body once an
  // early 413 arrives, then hands the half-sent connection to the next request, which then stalls.
  const response = await fetch(`${node.url}${path}`, { method: row.method, headers, body, duplex: 'half', keepalive: false } as RequestInit);
  return { status: response.status, text: await response.text(), contentType: response.headers.get('content-type') };
}

/**
 * Everything a bad request could have changed: every live key with its version, the known keys and the
 * row's own key read back in full, and (unless a control is writing) the live and tombstone counts.
 */
async function snapshot(options: { rowKey?: string; exceptKey?: string } = {}) {
  const { rowKey, exceptKey } = options;
  const items = (await listAll(node.url)).items.filter((item) => item.key !== exceptKey);
  const reads: Record<string, unknown> = {};
  const keys = new Set([...Object.keys(KNOWN), 'gone', 'new', 'missing', ...(rowKey === undefined ? [] : [rowKey])]);
  for (const key of keys) if (key !== exceptKey) reads[key] = (await http('GET', `${node.url}${keyPath(key)}`)).body;
  const { liveKeys, tombstones } = (await http('GET', `${node.url}/health`)).body.storage;
  return { items, reads, counts: exceptKey === undefined ? { liveKeys, tombstones } : undefined };
}

beforeAll(async () => {
  node = await spawnNode();
  for (const [key, value] of Object.entries({ ...KNOWN, gone: 'deleted' })) await http('PUT', `${node.url}${keyPath(key)}`, { json: { value } });
  await http('DELETE', `${node.url}/kv/gone`);
  foreignCursor = (await http('GET', `${node.url}/kv?prefix=list%2F&limit=1`)).body.next;
}, HOOK_TIMEOUT_MS.start);

afterAll(async () => {
  if (node !== undefined) await stopBounded(node);
  if (node !== undefined) removeDataDir(node.dataDir);
}, HOOK_TIMEOUT_MS.stop);

describe('bad requests get their status and error code, and change nothing', () => {
  for (const row of rows.filter((candidate) => candidate.error !== undefined)) {
    test(`${row.name} -> ${row.status} ${row.error}`, async () => {
      const before = await snapshot({ rowKey: row.key });
      const reply = await send(row);
      statusesSeen.push(reply.status);
      expect(reply.status).toBeLessThan(500);
      expect(reply.status).toBe(row.status);
      expect(reply.contentType).toContain('application/json');
      const error = JSON.parse(reply.text);
      // Plain comparisons: Bun's toMatchObject with expect.any() rewrites the object it is given.
      expect({ error: error.error, messageType: typeof error.message }).toEqual({ error: row.error, messageType: 'string' });
      if (row.message !== undefined) expect(error.message).toMatch(row.message);
      expect(await snapshot({ rowKey: row.key })).toEqual(before);
    }, ROW_TIMEOUT_MS);
  }
});

describe('positive controls at each limit succeed and change only their own key', () => {
  for (const row of rows.filter((candidate) => candidate.error === undefined)) {
    test(`${row.name} -> ${row.status}`, async () => {
      const written = row.writes!;
      const before = await snapshot({ exceptKey: written.key });
      const reply = await send(row);
      statusesSeen.push(reply.status);
      expect({ status: reply.status, text: reply.text.slice(0, 300) }).toEqual({ status: row.status, text: expect.any(String) });
      const read = await http('GET', `${node.url}${keyPath(written.key)}`);
      expect(read.status).toBe(200);
      expect(read.body.value).toEqual(written.value);
      expect(await snapshot({ exceptKey: written.key })).toEqual(before);
    }, ROW_TIMEOUT_MS);
  }
});

describe('after the whole table', () => {
  test('no response was a 500, and the node is alive, healthy, and still serves the known data', async () => {
    expect(statusesSeen.length).toBe(rows.length);
    expect(statusesSeen.filter((status) => status >= 500)).toEqual([]);
    expect(isAlive(node.process)).toBe(true);
    expect((await http('GET', `${node.url}/health`)).body.status).toBe('ok');
    for (const [key, value] of Object.entries(KNOWN)) expect((await http('GET', `${node.url}${keyPath(key)}`)).body.value).toEqual(value);
    const metrics = await scrape(node.url);
    const serverErrors = [...metrics.keys()].filter((name) => name.startsWith('swarmkv_http_requests_total{') && /status="5\d\d"/.test(name));
    expect(serverErrors).toEqual([]);
    expect(requestCount(metrics, 'PUT', '/kv/{key}', 413)).toBeGreaterThan(0);
    const errorLines = node.events.filter((event) => event.level === 'error' || event.level === 'fatal');
    expect(errorLines).toEqual([]);
  }, ROW_TIMEOUT_MS);
});
