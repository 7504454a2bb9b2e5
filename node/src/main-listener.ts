// The node's HTTP port, bound before the rest of the daemon is loaded. Loading the HTTP framework, the
// OpenAPI plugin, the metrics library and the storage engine takes most of a cold start (measured in
// bench/RESULTS.md, "Cold start"); none of it is needed to tell an orchestrator that the process is
// alive. So `swarmkv node` binds the port first, with only node:http loaded: until the application is
// ready, `/health/live` answers 200, `/health/ready` 503 `starting`, and every other request 503
// `unavailable` (reason `starting`, Retry-After 1), which a client retries like any 503. Then `serve`
// hands the very same server to the application, so no request is ever refused a connection.
//
// Imports nothing of ours but leaves: the CLI loads it on its own, ahead of everything else.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

const STARTING_MESSAGE = 'this node is starting; retry in a moment';

function reply(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

/** What a request gets before the application is ready. */
function answerWhileStarting(request: IncomingMessage, response: ServerResponse): void {
  const path = (request.url ?? '/').split('?')[0];
  if (request.method === 'GET' && path === '/health/live') return reply(response, 200, { live: true });
  const refusal = { error: 'unavailable', message: STARTING_MESSAGE, reason: 'starting' };
  // A body the request may still be sending is not read: the connection ends after this answer.
  reply(response, 503, refusal, path === '/health/ready' ? {} : { 'retry-after': '1', connection: 'close' });
}

export class HttpListener {
  readonly server: Server;
  /** Where it serves, e.g. http://127.0.0.1:7070 (port 0 resolved). */
  readonly url: string;
  #handler: RequestHandler = answerWhileStarting;

  private constructor(server: Server, url: string) {
    this.server = server;
    this.url = url;
  }

  /** Binds host:port (rejecting as node:net does: EADDRINUSE, EADDRNOTAVAIL, EACCES). */
  static listen(host: string, port: number): Promise<HttpListener> {
    return new Promise((resolve, reject) => {
      let listener: HttpListener | undefined;
      const server = createServer((request, response) => listener!.#handler(request, response));
      server.once('error', reject);
      // exclusive: a second node on a taken port fails instead of silently sharing it.
      server.listen({ host, port, exclusive: true }, () => {
        server.off('error', reject);
        const address = server.address() as AddressInfo;
        const boundHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        listener = new HttpListener(server, `http://${boundHost}:${address.port}`);
        resolve(listener);
      });
    });
  }

  /** From now on every request goes to the application. */
  serve(handler: RequestHandler): void {
    this.#handler = handler;
  }

  /** Stops accepting connections; resolves once the open ones have closed. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
    });
  }
}
