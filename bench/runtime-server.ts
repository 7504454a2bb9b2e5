// The runtime's limit: a key-value server on nothing but `node:http` and a Map, with the bare Elysia
// baseline's routes and answers (GET and PUT /kv/:key, {"value": ...} bodies). No framework, no router,
// no storage: what Node itself costs a request on this machine, the ceiling under any server of swarmkv's
// stack. The issue's goal for the single node's PUT (2× the bare Elysia server's) is read against it:
// where twice the bare server is above this, no server on Node reaches the goal.
//
// Bundled for Node with the baseline (bench/baseline-bundle.ts) and started by the benchmark:
//   node runtime-server.mjs [port]
// It prints `{"event":"runtime.listening","url":...}` once it serves, and exits cleanly on SIGTERM.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const HOST = '127.0.0.1';
/** The same bound swarmkv puts on a request body (node/src/limits.ts), so a PUT reads as much at most. */
const BODY_BYTES_MAX = 1024 * 1024;
const KEY_PREFIX = '/kv/';

interface Entry {
  readonly value: unknown;
  readonly version: number;
}

const entries = new Map<string, Entry>();
let versions = 0;

function reply(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function readBody(request: IncomingMessage, response: ServerResponse, done: (text: string) => void): void {
  const chunks: Buffer[] = [];
  let bytes = 0;
  request.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > BODY_BYTES_MAX) {
      reply(response, 413, { error: 'payload_too_large' });
      request.destroy();
      return;
    }
    chunks.push(chunk);
  });
  request.on('end', () => {
    if (bytes <= BODY_BYTES_MAX) done(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
  });
}

function put(key: string, text: string, response: ServerResponse): void {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return reply(response, 400, { error: 'invalid_json' });
  }
  if (typeof body !== 'object' || body === null || !('value' in body)) return reply(response, 400, { error: 'invalid_body' });
  const entry: Entry = { value: (body as { value: unknown }).value, version: ++versions };
  entries.set(key, entry);
  reply(response, 200, { key, version: String(entry.version) });
}

const server = createServer((request, response) => {
  const path = (request.url ?? '/').split('?', 1)[0]!;
  if (!path.startsWith(KEY_PREFIX) || path.length === KEY_PREFIX.length) return reply(response, 404, { error: 'not_found' });
  let key: string;
  try {
    key = decodeURIComponent(path.slice(KEY_PREFIX.length));
  } catch {
    return reply(response, 400, { error: 'invalid_key' });
  }
  if (request.method === 'GET') {
    const entry = entries.get(key);
    if (entry === undefined) return reply(response, 404, { error: 'not_found' });
    return reply(response, 200, { key, value: entry.value, version: String(entry.version) });
  }
  if (request.method === 'PUT') return readBody(request, response, (text) => put(key, text, response));
  reply(response, 405, { error: 'method_not_allowed' });
});

server.listen(Number(process.argv[2] ?? '0'), HOST, () => {
  const address = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ event: 'runtime.listening', url: `http://${address.address}:${address.port}` })}\n`);
});

process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
