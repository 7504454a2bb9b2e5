// A table of bad requests. Each row states the status and error code it must get; after every row the
// node's data must be exactly what it was, and at the end the node must still be healthy. No row may
// ever produce a 500.

import { afterAll, beforeAll, expect, test } from 'bun:test';
import { connect } from 'node:net';
import { http, removeDataDir, spawnNode, type SpawnedNode } from './support/spawn-node';

const KEY_BYTES_MAX = 1024;
const VALUE_BYTES_MAX = 1024 * 1024;
const BODY_ENVELOPE_BYTES_MAX = 4 * 1024;

interface Row {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly body?: string;
  /** Send this many bytes as a chunked body instead (no Content-Length), over a raw socket. */
  readonly chunkedBytes?: number;
  readonly contentType?: string | null;
  readonly status: number;
  readonly error?: string;
}

const json = (value: unknown) => JSON.stringify(value);
/** A JSON document of exactly `bytes` bytes: a string value padded to size. */
const valueOfBytes = (bytes: number) => 'x'.repeat(bytes - 2);
const rows: Row[] = [
  { name: 'malformed JSON', method: 'PUT', path: '/kv/known', body: '{"value":', status: 400, error: 'invalid_json' },
  { name: 'an array body', method: 'PUT', path: '/kv/known', body: '[1,2]', status: 400, error: 'invalid_body' },
  { name: 'a number body', method: 'PUT', path: '/kv/known', body: '5', status: 400, error: 'invalid_body' },
  { name: 'a string body', method: 'PUT', path: '/kv/known', body: '"x"', status: 400, error: 'invalid_body' },
  { name: 'a null body', method: 'PUT', path: '/kv/known', body: 'null', status: 400, error: 'invalid_body' },
  { name: 'an empty body', method: 'PUT', path: '/kv/known', body: '', status: 400, error: 'invalid_json' },
  { name: 'no value field', method: 'PUT', path: '/kv/known', body: json({ valeu: 1 }), status: 400, error: 'invalid_body' },
  { name: 'text/plain', method: 'PUT', path: '/kv/known', body: json({ value: 1 }), contentType: 'text/plain', status: 415, error: 'unsupported_media_type' },
  { name: 'no content type', method: 'PUT', path: '/kv/known', body: json({ value: 1 }), contentType: null, status: 415, error: 'unsupported_media_type' },
  { name: 'a form body', method: 'POST', path: '/kv', body: 'value=1', contentType: 'application/x-www-form-urlencoded', status: 415, error: 'unsupported_media_type' },
  { name: 'POST malformed JSON', method: 'POST', path: '/kv', body: '{', status: 400, error: 'invalid_json' },
  { name: 'POST an empty key', method: 'POST', path: '/kv', body: json({ key: '', value: 1 }), status: 400, error: 'invalid_key' },
  { name: 'POST a numeric key', method: 'POST', path: '/kv', body: json({ key: 7, value: 1 }), status: 400, error: 'invalid_key' },
  { name: 'POST an object key', method: 'POST', path: '/kv', body: json({ key: { a: 1 }, value: 1 }), status: 400, error: 'invalid_key' },
  { name: 'POST an existing key', method: 'POST', path: '/kv', body: json({ key: 'known', value: 'clobbered' }), status: 409, error: 'conflict' },
  { name: 'POST a key over the limit', method: 'POST', path: '/kv', body: json({ key: 'k'.repeat(KEY_BYTES_MAX + 1), value: 1 }), status: 400, error: 'invalid_key' },
  { name: 'PUT a key over the limit', method: 'PUT', path: `/kv/${'k'.repeat(KEY_BYTES_MAX + 1)}`, body: json({ value: 1 }), status: 400, error: 'invalid_key' },
  { name: 'a multibyte key over the byte limit, under it in characters', method: 'PUT', path: `/kv/${encodeURIComponent('é'.repeat(KEY_BYTES_MAX / 2 + 1))}`, body: json({ value: 1 }), status: 400, error: 'invalid_key' },
  { name: 'malformed percent-encoding %FF', method: 'PUT', path: '/kv/%FF', body: json({ value: 1 }), status: 400, error: 'invalid_key' },
  { name: 'truncated percent-encoding %E2%82', method: 'GET', path: '/kv/%E2%82', status: 400, error: 'invalid_key' },
  { name: 'a dangling %', method: 'DELETE', path: '/kv/a%', status: 400, error: 'invalid_key' },
  { name: 'a lone surrogate in the key', method: 'PUT', path: '/kv/%ED%A0%80', body: json({ value: 1 }), status: 400, error: 'invalid_key' },
  { name: 'a value one byte over 1 MiB', method: 'PUT', path: '/kv/known', body: json({ value: valueOfBytes(VALUE_BYTES_MAX + 1) }), status: 413, error: 'payload_too_large' },
  { name: 'a body over the limit', method: 'PUT', path: '/kv/known', body: json({ value: 1, pad: 'x'.repeat(VALUE_BYTES_MAX + BODY_ENVELOPE_BYTES_MAX) }), status: 413, error: 'payload_too_large' },
  { name: 'a chunked body over the limit', method: 'PUT', path: '/kv/known', chunkedBytes: 8 * VALUE_BYTES_MAX, status: 413, error: 'payload_too_large' },
  { name: 'a bad consistency level', method: 'PUT', path: '/kv/known?consistency=most', body: json({ value: 1 }), status: 400, error: 'invalid_query' },
  { name: 'list limit=0', method: 'GET', path: '/kv?limit=0', status: 400, error: 'invalid_query' },
  { name: 'list limit=1001', method: 'GET', path: '/kv?limit=1001', status: 400, error: 'invalid_query' },
  { name: 'list limit=abc', method: 'GET', path: '/kv?limit=abc', status: 400, error: 'invalid_query' },
  { name: 'list limit=-1', method: 'GET', path: '/kv?limit=-1', status: 400, error: 'invalid_query' },
  { name: 'list limit=1.5', method: 'GET', path: '/kv?limit=1.5', status: 400, error: 'invalid_query' },
  { name: 'list limit given twice', method: 'GET', path: '/kv?limit=1&limit=2', status: 400, error: 'invalid_query' },
  { name: 'list a garbage cursor', method: 'GET', path: '/kv?cursor=%21%21%21', status: 400, error: 'invalid_query' },
  { name: 'list a cursor from another prefix', method: 'GET', path: `/kv?prefix=zzz&cursor=${Buffer.from('known').toString('base64url')}`, status: 400, error: 'invalid_query' },
  { name: 'an unknown route', method: 'GET', path: '/nope', status: 404, error: 'route_not_found' },
  { name: 'an unencoded slash in a key', method: 'GET', path: '/kv/a/b', status: 404, error: 'route_not_found' },
  { name: 'GET a missing key', method: 'GET', path: '/kv/missing', status: 404, error: 'not_found' },
  { name: 'DELETE a missing key', method: 'DELETE', path: '/kv/missing', status: 404, error: 'not_found' },
  // Positive controls: the limits themselves are accepted.
  { name: 'a key of exactly 1024 bytes', method: 'PUT', path: `/kv/${'k'.repeat(KEY_BYTES_MAX)}`, body: json({ value: 1 }), status: 200 },
  { name: 'a value of exactly 1 MiB', method: 'PUT', path: '/kv/at-the-limit', body: json({ value: valueOfBytes(VALUE_BYTES_MAX) }), status: 200 },
];

let node: SpawnedNode;

async function snapshot(): Promise<string> {
  const listing = await http('GET', `${node.url}/kv?limit=1000`);
  const known = await http('GET', `${node.url}/kv/known`);
  return JSON.stringify({ keys: listing.body.items, known: known.body });
}

beforeAll(async () => {
  node = await spawnNode();
  for (const key of ['known', 'other', 'a/b']) await http('PUT', `${node.url}/kv/${encodeURIComponent(key)}`, { json: { value: { key } } });
  await http('DELETE', `${node.url}/kv/other`);
});

afterAll(async () => {
  await node.stop();
  removeDataDir(node.dataDir);
});

/**
 * Streams a chunked JSON body of `totalBytes` over a raw socket (no Content-Length, so the node can
 * only find out by reading), stopping once the node answers, and returns the answer.
 */
function sendChunked(url: string, method: string, path: string, totalBytes: number): Promise<{ status: number; text: string; sentBytes: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    let sentBytes = 0;
    const chunk = Buffer.from(' '.repeat(64 * 1024));
    const pump = () => {
      try {
        while (sentBytes < totalBytes && answer.length === 0 && socket.writable) {
          sentBytes += chunk.length;
          if (!socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`, () => {})) return socket.once('drain', pump);
        }
        if (answer.length === 0 && socket.writable) socket.write('0\r\n\r\n');
      } catch {
        // The node closed the connection after answering: exactly what a 413 should do.
      }
    };
    socket.on('connect', () => {
      socket.write(`${method} ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
      pump();
    });
    const finish = () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
      const text = answer.slice(answer.indexOf('\r\n\r\n') + 4).replace(/^[0-9a-f]+\r\n/, '').replace(/\r\n0\r\n\r\n$/, '');
      socket.destroy();
      resolve({ status, text, sentBytes });
    };
    socket.on('data', (data) => {
      answer += data.toString();
      if (answer.endsWith('\r\n0\r\n\r\n')) finish();
    });
    // A write after the node hung up fails with EPIPE; whatever was answered is reported on close.
    socket.on('error', () => {});
    socket.on('close', finish);
    setTimeout(() => socket.destroy(), 10_000);
  });
}

async function send(row: Row): Promise<{ status: number; text: string }> {
  if (row.chunkedBytes !== undefined) {
    return sendChunked(node.url, row.method, row.path, row.chunkedBytes);
  }
  const headers: Record<string, string> = {};
  const contentType = row.contentType === undefined ? (row.body === undefined ? null : 'application/json') : row.contentType;
  if (contentType !== null) headers['content-type'] = contentType;
  const response = await fetch(`${node.url}${row.path}`, { method: row.method, headers, body: row.body });
  return { status: response.status, text: await response.text() };
}

test.each(rows)('$name -> $status $error', async (row) => {
  const before = await snapshot();
  const { status, text } = await send(row);
  expect(status).toBe(row.status);
  if (row.error !== undefined) {
    const error = JSON.parse(text);
    expect(error.error).toBe(row.error);
    expect(typeof error.message).toBe('string');
    expect(await snapshot()).toBe(before);
  }
});

test('the node is still healthy after the whole table, and still serves the data', async () => {
  expect((await http('GET', `${node.url}/health`)).status).toBe(200);
  expect(node.process.exitCode).toBeNull();
  expect((await http('GET', `${node.url}/kv/known`)).body.value).toEqual({ key: 'known' });
  const metrics = (await http('GET', `${node.url}/metrics`)).text;
  expect(metrics).not.toMatch(/status="5\d\d"/);
});
