// The node's HTTP server (main-http.ts) on Node's own http module: a new connection has the silence
// deadline until its first request, the first request ends it, and node:http keeps parsing the
// connection's bytes in C++ (its parser "consumes" the socket). A `data` listener on the socket, which
// is how the silence deadline used to end, silently turns that off and feeds every read through a
// JavaScript stream instead: ~3-4 µs more per request (bench/RESULTS.md, "node-get"). Over TLS the
// same deadline holds from the TCP connection on: a client that never starts its handshake is closed
// as a silent plain connection is. Runs on Node, since Bun's node:http has neither the parser nor its
// consumption.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { HTTP_HEADERS_TIMEOUT_MS } from './limits';
import { createHttpServer } from './main-http';

/** What node:http sets on a server-side socket: its parser, and whether that parser consumes the socket. */
type ParsedSocket = Socket & { parser?: { _consumed?: boolean } | null };

interface SocketState {
  readonly timeoutMs: number | undefined;
  readonly parserConsumes: boolean | undefined;
}

function stateOf(socket: Socket): SocketState {
  return { timeoutMs: socket.timeout, parserConsumes: (socket as ParsedSocket).parser?._consumed };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function get(port: number, agent: boolean, tls = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const send = tls ? httpsRequest : httpRequest;
    const outgoing = send({ host: '127.0.0.1', port, path: '/', agent: agent ? undefined : false, rejectUnauthorized: false }, (incoming) => {
      let body = '';
      incoming.setEncoding('utf8');
      incoming.on('data', (chunk: string) => (body += chunk));
      incoming.on('end', () => resolve(body));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

test('a connection has the silence deadline until its first request, which ends it; the parser consumes the socket throughout', async () => {
  const atConnection: SocketState[] = [];
  const atRequest: SocketState[] = [];
  const server = createHttpServer(undefined, (request, response) => {
    atRequest.push(stateOf(request.socket));
    response.writeHead(200, ['content-type', 'text/plain']);
    response.end('ok');
  });
  // Registered after createHttpServer's own listener, so it sees the connection as that one left it.
  server.on('connection', (socket: Socket) => atConnection.push(stateOf(socket)));
  const port = await listen(server);
  try {
    assert.equal(await get(port, false), 'ok');
    assert.equal(await get(port, false), 'ok');
    assert.deepEqual(atConnection, [
      { timeoutMs: HTTP_HEADERS_TIMEOUT_MS, parserConsumes: true },
      { timeoutMs: HTTP_HEADERS_TIMEOUT_MS, parserConsumes: true },
    ]);
    assert.deepEqual(atRequest, [
      { timeoutMs: 0, parserConsumes: true },
      { timeoutMs: 0, parserConsumes: true },
    ]);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** How much later than the deadline a silent connection may close: Node checks timers, not instants. */
const CLOSE_SLACK_MS = 2000;

test('over TLS: a connection that never starts its handshake is closed at the silence deadline; after the handshake the deadline runs until the first request', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'swarmkv-main-http-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
  const atHandshake: (number | undefined)[] = [];
  const atRequest: (number | undefined)[] = [];
  const server = createHttpServer({ certFile, keyFile }, (request, response) => {
    atRequest.push(request.socket.timeout);
    response.writeHead(200, ['content-type', 'text/plain']);
    response.end('ok');
  });
  server.on('secureConnection', (socket: Socket) => atHandshake.push(socket.timeout));
  const port = await listen(server);
  try {
    const silent = connect(port, '127.0.0.1');
    const openedMs = performance.now();
    const closedAfterMs = await new Promise<number>((resolve) => {
      silent.on('error', () => {});
      silent.on('close', () => resolve(performance.now() - openedMs));
    });
    assert.ok(closedAfterMs >= HTTP_HEADERS_TIMEOUT_MS - 100 && closedAfterMs <= HTTP_HEADERS_TIMEOUT_MS + CLOSE_SLACK_MS, `closed after ${Math.round(closedAfterMs)} ms`);
    assert.equal(await get(port, false, true), 'ok');
    assert.deepEqual(atHandshake, [HTTP_HEADERS_TIMEOUT_MS]);
    assert.deepEqual(atRequest, [0]);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
});
