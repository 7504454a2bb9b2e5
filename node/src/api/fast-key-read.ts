// GET /kv/{key} served straight from Node's request and response, ahead of the framework. A key read
// is the node's most frequent request, and through Elysia on Node it pays for a web Request, routing,
// the hooks, a web Response and srvx's copy of it onto the Node response: about half of a GET's CPU
// (bench/RESULTS.md, "The single node's hot path"). Here it is the same checks in the same order (the
// Host, the key, the query), the same coordinator read, the same tally, and one write of the answer.
//
// Only the plain shape is taken: a key of characters that URL parsing and percent-decoding leave as
// they are, and a request with no Origin (no CORS to decorate), a single Host, and no token to check.
// Anything else (a percent-encoded key, a dot segment, a cross-origin read, a node that enforces tokens,
// HEAD) goes to the application, which answers it exactly as before.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log';
import { validateKey } from '../keys';
import type { Coordinated, Coordinator } from '../replication';
import type { StoredRecord } from '../storage';
import type { SwarmError } from '../errors';
import { hostRefusal, type AccessControlDeps } from './access-control';
import { closeExchangeIfDraining } from './connection-draining';
import type { HttpMetrics } from './http-metrics';
import { toSwarmError } from './instrumented';
import { keyReadBody } from './key-read-body';
import { consistencyQueryValue } from './query';

export interface FastKeyReadDeps extends AccessControlDeps {
  readonly coordinator: Coordinator;
  readonly nodeId: string;
  readonly metrics: HttpMetrics;
  readonly logger: Logger;
  readonly keyBytesMax: number;
}

type NodeHandler = (request: IncomingMessage, response: ServerResponse) => void;

const ROUTE = '/kv/{key}';
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
/**
 * `/kv/` and a key of unreserved and sub-delimiter characters (RFC 3986), optionally a query without a
 * fragment: what the WHATWG URL parser keeps verbatim in a path and percent-decoding leaves unchanged,
 * so the key is the one the framework's route would see.
 */
const PLAIN_KEY_TARGET = /^\/kv\/([A-Za-z0-9\-._~!$&'()*+,;=:@]+)(?:\?([^#]*))?$/;

/** Whether the application must answer: see the header of this file. */
function needsApplication(request: IncomingMessage, tokensEnforced: boolean): boolean {
  return request.method !== 'GET' || tokensEnforced || request.headers.origin !== undefined || hostRepeated(request.rawHeaders);
}

/** A repeated Host is read joined (`a, b`) by the framework's request, and so refused there: left to it. */
function hostRepeated(rawHeaders: string[]): boolean {
  let seen = false;
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index]!;
    if (name.length !== 4 || name.toLowerCase() !== 'host') continue;
    if (seen) return true;
    seen = true;
  }
  return false;
}

function sendError(response: ServerResponse, error: SwarmError): void {
  const body = JSON.stringify(error.toJSON());
  response.writeHead(error.status, ['content-type', JSON_CONTENT_TYPE, 'content-length', String(Buffer.byteLength(body))]);
  response.end(body);
}

/** The headers and body GET /kv/{key} answers with (kv-routes.ts), built as one list Node takes as is. */
function sendRecord(response: ServerResponse, read: Coordinated<StoredRecord>, nodeId: string): void {
  const body = keyReadBody(read.result);
  const headers = ['content-type', JSON_CONTENT_TYPE, 'content-length', String(Buffer.byteLength(body)), 'etag', `"${read.result.version}"`, 'x-swarmkv-coordinator', nodeId, 'x-swarmkv-replicas', read.replicas.join(',')];
  response.writeHead(200, headers);
  response.end(body);
}

/** `application`, with plain key reads answered before it (see the header of this file). */
export function withFastKeyReads(deps: FastKeyReadDeps, application: NodeHandler): NodeHandler {
  const observer = deps.metrics.route('GET', ROUTE);
  const serve = async (request: IncomingMessage, response: ServerResponse, key: string, search: string | undefined): Promise<void> => {
    const startedMs = performance.now();
    let status: number;
    try {
      const consistency = consistencyQueryValue(search === undefined ? undefined : new URLSearchParams(search));
      const read = await deps.coordinator.get(validateKey(key, deps.keyBytesMax), consistency);
      status = 200;
      closeExchangeIfDraining({ req: request, res: response });
      sendRecord(response, read, deps.nodeId);
    } catch (error) {
      const failure = toSwarmError(error, deps.logger, ROUTE);
      status = failure.status;
      closeExchangeIfDraining({ req: request, res: response });
      if (!response.headersSent) sendError(response, failure);
    }
    observer.observe(status, (performance.now() - startedMs) / 1000);
  };
  return (request, response) => {
    const target = needsApplication(request, deps.tokens.enforcing) ? null : PLAIN_KEY_TARGET.exec(request.url ?? '');
    const key = target?.[1];
    if (key === undefined || key === '.' || key === '..') return application(request, response);
    // Refused before the route, as the application's gate does: not counted as one of its requests.
    const refusal = hostRefusal(request.headers.host ?? null, deps.hosts);
    if (refusal !== undefined) {
      closeExchangeIfDraining({ req: request, res: response });
      return sendError(response, refusal);
    }
    void serve(request, response, key, target![2]);
  };
}
