// The HTTP server under the app: where it listens (plain or TLS), and the bounds that keep one client
// from holding the node's connections or memory: header, request and idle timeouts, a connection cap,
// a bound on pipelined responses no one reads, and answering a client that half-closes its side.

import type { AddressInfo, Socket } from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import type { buildApp } from './api';
import { assert } from './assert';
import {
  HTTP_CONNECTIONS_MAX,
  HTTP_HEADERS_TIMEOUT_MS,
  HTTP_IDLE_TIMEOUT_MS,
  HTTP_PIPELINED_RESPONSES_MAX,
  HTTP_REQUEST_TIMEOUT_MS,
  HTTP_TIMEOUT_CHECK_INTERVAL_MS,
} from './limits';

export interface SrvxServer {
  ready(): Promise<unknown>;
  close(closeAllConnections?: boolean): Promise<void>;
  node?: { server?: Server };
}

export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * Counts the requests of each connection whose responses are not finished; past the bound the
 * connection is destroyed and the requests still queued on it are never handled. Node already stops
 * reading a socket whose output backs up, but only between chunks: one chunk of pipelined GETs holds
 * thousands of requests, and handling each would build its answer (up to a whole value) in memory.
 * The app's own listener is wrapped, so a request is refused before any of its work starts.
 */
function boundPipelining(server: Server): void {
  const pending = new WeakMap<Socket, number>();
  const handlers = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    if (socket.destroyed) return;
    const count = (pending.get(socket) ?? 0) + 1;
    pending.set(socket, count);
    res.once('close', () => pending.set(socket, (pending.get(socket) ?? 1) - 1));
    if (count > HTTP_PIPELINED_RESPONSES_MAX) {
      socket.destroy();
      return;
    }
    for (const handler of handlers) handler.call(server, req, res);
  });
}

/**
 * Node's headers timeout starts with a request's first byte, so a connection that sends nothing at all
 * would live forever: it gets the same deadline from the moment it is accepted. Node's own handler of
 * a socket timeout destroys it (nothing else listens for it); the first byte hands over to the headers,
 * request and keep-alive timeouts.
 */
function boundSilentConnections(server: Server): void {
  server.on('connection', (socket: Socket) => {
    socket.setTimeout(HTTP_HEADERS_TIMEOUT_MS);
    socket.once('data', () => socket.setTimeout(0));
  });
}

function nodeServerOptions() {
  return {
    headersTimeout: HTTP_HEADERS_TIMEOUT_MS,
    requestTimeout: HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeout: HTTP_IDLE_TIMEOUT_MS,
    connectionsCheckingInterval: HTTP_TIMEOUT_CHECK_INTERVAL_MS,
    // A client that sends its request and then half-closes (shutdown(SHUT_WR)) still gets its answer:
    // without this, Node aborts the request when the client's FIN arrives before the response is ready.
    allowHalfOpen: true,
    // HTTPS stays HTTP/1.1: the dashboard, the CLI and curl all speak it, and the bounds above are its.
    http2: false,
  };
}

/** Listens and resolves once the socket is bound, with the URL it serves (port 0 resolved). */
export async function listen(app: ReturnType<typeof buildApp>, host: string, port: number, tls: TlsFiles | undefined): Promise<{ server: SrvxServer; url: string }> {
  let listening: SrvxServer | undefined;
  const tlsOptions = tls === undefined ? {} : { tls: { cert: readFileSync(tls.certFile, 'utf8'), key: readFileSync(tls.keyFile, 'utf8') } };
  // reusePort is off so that a second node on a taken port fails instead of silently sharing it;
  // graceful shutdown is ours (RunningNode.close), not the HTTP library's signal handler.
  const options = { port, hostname: host, reusePort: false, gracefulShutdown: false, node: nodeServerOptions(), ...tlsOptions };
  app.listen(options as unknown as { port: number; hostname: string }, (info) => {
    listening = (info as unknown as { raw: SrvxServer }).raw;
  });
  assert(listening !== undefined, 'the Node adapter hands over its server synchronously');
  const server: SrvxServer = listening;
  const nodeServer = server.node?.server;
  assert(nodeServer !== undefined, 'the Node adapter creates its server at once');
  nodeServer.maxConnections = HTTP_CONNECTIONS_MAX;
  (nodeServer as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  boundPipelining(nodeServer);
  boundSilentConnections(nodeServer);
  await server.ready();
  const address = nodeServer.address() as AddressInfo;
  const boundHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { server, url: `${tls === undefined ? 'http' : 'https'}://${boundHost}:${address.port}` };
}
