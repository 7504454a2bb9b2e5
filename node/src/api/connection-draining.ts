// Letting a closing HTTP server actually finish closing. Node's `server.close()` stops accepting
// connections and closes the idle keep-alive ones, but a connection that is busy at that moment stays
// open and goes on serving whatever its client sends next. Under steady load (a client pool reusing its
// connections) some connection is always busy, and a node asked to stop would never finish.
//
// So once the server is no longer listening, every response carries `Connection: close`: Node then ends
// each connection after the request it is serving, and the close completes as soon as those requests
// do. The request itself is still served in full, so nothing a client is told succeeded is cut short.

import type { Server } from 'node:http';
import { nodeExchangeOf, type NodeExchange } from './node-exchange';

/** Marks the response to `request` as its connection's last if the server is shutting down. */
export function closeConnectionIfDraining(request: Request): void {
  const exchange = nodeExchangeOf(request);
  if (exchange !== undefined) closeExchangeIfDraining(exchange);
}

/** The same, for a request served straight from the Node objects (fast-key-routes.ts). */
export function closeExchangeIfDraining(exchange: NodeExchange): void {
  // net.Server sets `server` on every socket it accepts; `listening` turns false when close() is called.
  const server = (exchange.req.socket as { server?: Server }).server;
  if (server === undefined || server.listening || exchange.res.headersSent) return;
  exchange.res.setHeader('connection', 'close');
}
