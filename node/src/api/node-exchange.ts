// The Node objects under a request. Elysia's Node adapter (srvx) hands routes a web Request and keeps
// the Node request and response it was made from on `runtime.node`; a few things are only visible
// there: the request target exactly as the client sent it, and the socket and server it came on.

import type { IncomingMessage, ServerResponse } from 'node:http';

export interface NodeExchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
}

interface WithNodeRuntime {
  readonly runtime?: { readonly node?: Partial<NodeExchange> };
}

/** The Node request and response behind `request`, or undefined when it did not come from Node's HTTP server. */
export function nodeExchangeOf(request: Request): NodeExchange | undefined {
  const node = (request as unknown as WithNodeRuntime).runtime?.node;
  // The adapter's own object, not a copy: this runs on every response (connection-draining.ts).
  return node?.req === undefined || node.res === undefined ? undefined : (node as NodeExchange);
}
