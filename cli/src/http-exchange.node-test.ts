// http-exchange.ts on Node, the CLI's runtime (Bun's node:http client is another implementation): kept
// connections are reused, a kept connection the server dropped is replaced once, a fresh connection that
// fails is not retried, and a silent server times out. The server is a raw TCP one, so each test decides
// what happens to every request on every connection.

import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, test } from 'node:test';
import { exchange } from './http-exchange';

const OK = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok';

/** A server calling `onRequest(socket, connectionNumber, requestNumberOnIt)` for each request head it reads. */
async function rawServer(onRequest: (socket: Socket, connection: number, request: number) => void): Promise<{ server: Server; url: URL; connections: () => number }> {
  let connections = 0;
  const server = createServer((socket) => {
    sockets.push(socket);
    const connection = ++connections;
    let requests = 0;
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      while (buffered.includes('\r\n\r\n')) {
        buffered = buffered.slice(buffered.indexOf('\r\n\r\n') + 4);
        onRequest(socket, connection, ++requests);
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  return { server, url: new URL(`http://127.0.0.1:${address.port}/health`), connections: () => connections };
}

const servers: Server[] = [];
const sockets: Socket[] = [];
after(() => {
  for (const socket of sockets) socket.destroy();
  for (const server of servers) server.close();
});

test('requests reuse one kept connection', async () => {
  const { server, url, connections } = await rawServer((socket) => socket.write(OK));
  servers.push(server);
  for (let index = 0; index < 3; index++) assert.deepEqual(await exchange(url, 'GET', {}, undefined, 2000), { status: 200, text: 'ok' });
  assert.equal(connections(), 1);
});

test('a kept connection the server dropped is replaced, and the request answered on the new one', async () => {
  const { server, url, connections } = await rawServer((socket, _connection, request) => (request === 1 ? socket.write(OK) : socket.resetAndDestroy()));
  servers.push(server);
  assert.equal((await exchange(url, 'GET', {}, undefined, 2000)).status, 200);
  assert.equal((await exchange(url, 'GET', {}, undefined, 2000)).status, 200);
  assert.equal(connections(), 2);
});

test('a new connection that fails is not retried', async () => {
  const { server, url, connections } = await rawServer((socket) => socket.resetAndDestroy());
  servers.push(server);
  await assert.rejects(exchange(url, 'GET', {}, undefined, 2000), (error: NodeJS.ErrnoException) => error.code === 'ECONNRESET');
  assert.equal(connections(), 1);
});

test('a server that never answers times out with a TimeoutError', async () => {
  const { server, url } = await rawServer(() => {});
  servers.push(server);
  const startedMs = performance.now();
  await assert.rejects(exchange(url, 'GET', {}, undefined, 200), (error: Error) => error.name === 'TimeoutError' && error.message === 'no answer within 200 ms');
  assert.ok(performance.now() - startedMs < 2000);
});
