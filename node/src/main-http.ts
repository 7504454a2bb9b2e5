// The HTTP server under the app: plain or TLS, and the bounds that keep one client
// from holding the node's connections or memory: header, request and idle timeouts, a connection cap,
// a bound on pipelined responses no one reads, and answering a client that half-closes its side.

import type { Socket } from 'node:net';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import {
  HTTP_CONNECTIONS_MAX,
  HTTP_HEADERS_TIMEOUT_MS,
  HTTP_IDLE_TIMEOUT_MS,
  HTTP_PIPELINED_RESPONSES_MAX,
  HTTP_REQUEST_TIMEOUT_MS,
  HTTP_TIMEOUT_CHECK_INTERVAL_MS,
} from './limits';

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
  const handlers = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket as CountedSocket;
    if (socket.destroyed) return;
    if (socket[AWAITING_FIRST_REQUEST] === true) endSilenceDeadline(socket);
    const count = (socket[PENDING_RESPONSES] ?? 0) + 1;
    socket[PENDING_RESPONSES] = count;
    // `on`, not `once`: a response closes once, and once's wrapper would cost an allocation and a removal per request.
    res.on('close', responseClosed);
    if (count > HTTP_PIPELINED_RESPONSES_MAX) {
      socket.destroy();
      return;
    }
    for (const handler of handlers) handler.call(server, req, res);
  });
}

/** Where boundPipelining keeps a connection's count: on the socket itself, so it ends with it. */
const PENDING_RESPONSES = Symbol('swarmkv.pendingResponses');
type CountedSocket = Socket & { [PENDING_RESPONSES]?: number; [AWAITING_FIRST_REQUEST]?: boolean };

/** One listener shared by every response (none built per request): its request names the socket. */
function responseClosed(this: ServerResponse): void {
  const socket = this.req.socket as CountedSocket;
  socket[PENDING_RESPONSES] = (socket[PENDING_RESPONSES] ?? 1) - 1;
}

/**
 * Node's headers timeout starts with a request's first byte, so a connection that sends nothing at all
 * would live forever: it gets the same deadline, as an idle timeout, from the moment it is accepted.
 * Node's own handler of a socket timeout destroys it (nothing else listens for it). The first request
 * hands over to the request and keep-alive timeouts (boundPipelining's listener ends the deadline);
 * until its headers are in, the headers timeout runs beside it, and any byte the client sends restarts
 * the idle one.
 *
 * Not a `data` listener on the socket: any `data` listener makes node:http stop parsing the socket's
 * bytes in C++ (the parser "consumes" the stream) and feed every read through a JavaScript stream
 * instead, ~3-4 µs more per request (bench/RESULTS.md, "node-get").
 *
 * Over TLS the deadline is set on the TLS socket once its handshake is done ('secureConnection'): that
 * is the socket node:http serves and destroys on a timeout, where the TCP socket under it ('connection')
 * has no one listening for its timeout. The handshake itself is bound by the same time
 * (nodeServerOptions' handshakeTimeout); Node's default let a connection that never sent its
 * ClientHello live 120 s (measured) against 5 s on plain HTTP.
 */
function boundSilentConnections(server: Server, tls: boolean): void {
  server.on(tls ? 'secureConnection' : 'connection', (socket: CountedSocket) => {
    socket.setTimeout(HTTP_HEADERS_TIMEOUT_MS);
    socket[AWAITING_FIRST_REQUEST] = true;
  });
}

/** Marks a connection whose silence deadline (boundSilentConnections) still runs. */
const AWAITING_FIRST_REQUEST = Symbol('swarmkv.awaitingFirstRequest');

function endSilenceDeadline(socket: CountedSocket): void {
  socket[AWAITING_FIRST_REQUEST] = false;
  socket.setTimeout(0);
}

function nodeServerOptions() {
  return {
    headersTimeout: HTTP_HEADERS_TIMEOUT_MS,
    requestTimeout: HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeout: HTTP_IDLE_TIMEOUT_MS,
    connectionsCheckingInterval: HTTP_TIMEOUT_CHECK_INTERVAL_MS,
    // TLS only (node:http ignores it): a connection must finish its handshake within the headers' time.
    handshakeTimeout: HTTP_HEADERS_TIMEOUT_MS,
    // A client that sends its request and then half-closes (shutdown(SHUT_WR)) still gets its answer:
    // without this, Node aborts the request when the client's FIN arrives before the response is ready.
    allowHalfOpen: true,
  };
}

/**
 * The node's HTTP server, plain or TLS (HTTP/1.1 either way: the dashboard, the CLI and curl speak it,
 * and the bounds here are its), with every bound above applied.
 */
export function createHttpServer(tls: TlsFiles | undefined, handler: (request: IncomingMessage, response: ServerResponse) => void): Server {
  const options = nodeServerOptions();
  const server = tls === undefined ? createServer(options, handler) : createHttpsServer({ ...options, cert: readFileSync(tls.certFile, 'utf8'), key: readFileSync(tls.keyFile, 'utf8') }, handler);
  server.maxConnections = HTTP_CONNECTIONS_MAX;
  // See allowHalfOpen above: node:http decides on a client's FIN by this property, not by the option.
  (server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  boundPipelining(server);
  boundSilentConnections(server, tls !== undefined);
  return server;
}
