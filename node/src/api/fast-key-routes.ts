// GET and PUT /kv/{key} served straight from Node's request and response, ahead of the framework. They
// are the node's most frequent requests, and through Elysia on Node each pays for a web Request,
// routing, the hooks, a web Response and srvx's copy of it onto the Node response: about a third of a
// GET's CPU (bench/RESULTS.md, "The single node's hot path"). Here it is the same checks in the same
// order (the Host, the key, the query, the body), the same coordinator call, the same tally, and the
// same answer, written once.
//
// Only the plain shape is taken: a key of characters that URL parsing and percent-decoding leave as
// they are, and a request with no Origin (no CORS, no cross-origin write to judge), a single Host,
// Content-Type and Content-Length, and no If-Match. Anything else (a percent-encoded key, a dot segment,
// a browser page's request, HEAD, DELETE, a query naming `trace`) goes to the application, which answers
// it exactly as before.
// On a node that enforces tokens the bearer token is checked here, by the gate's own check
// (access-control.ts's tokenRefusal) and at the same point: after the Host, before the route.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Consistency } from '../config';
import { validateKey } from '../keys';
import type { Coordinated } from '../replication';
import type { StoredRecord } from '../storage';
import type { SwarmError } from '../errors';
import { hostRefusal, refusalHeaders, tokenRefusal, type AccessControlDeps } from './access-control';
import { closeExchangeIfDraining } from './connection-draining';
import { toSwarmError } from './instrumented';
import { keyReadBody } from './key-read-body';
import type { KvRoutesDeps } from './kv-routes';
import { consistencyQueryValue } from './query';
import { nodeBodySource, readValueBodyFrom } from './request-body';
import { requirementOf } from './roles';

/** What kv-routes.ts's key routes need, but CORS (requests with an Origin are left to them), and the gate's. */
export type FastKeyRoutesDeps = Omit<KvRoutesDeps, 'cors'> & AccessControlDeps;

type NodeHandler = (request: IncomingMessage, response: ServerResponse) => void;
/** One route's work once the key (valid) and the query are read: the body and headers it answers 200 with. */
type KeyRoute = (request: IncomingMessage, key: string, consistency: Consistency | undefined) => Promise<Answer>;
interface Answer {
  readonly body: string;
  readonly headers: string[];
}

const ROUTE = '/kv/{key}';
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
/**
 * `/kv/` and a key of unreserved and sub-delimiter characters (RFC 3986), optionally a query without a
 * fragment: what the WHATWG URL parser keeps verbatim in a path and percent-decoding leaves unchanged,
 * so the key is the one the framework's route would see.
 */
const PLAIN_KEY_TARGET = /^\/kv\/([A-Za-z0-9\-._~!$&'()*+,;=:@]+)(?:\?([^#]*))?$/;
/** Headers the framework's request reads joined when repeated (`a, b`) where Node keeps the first. */
const SINGLE_HEADERS: ReadonlySet<string> = new Set(['host', 'content-type', 'content-length', 'authorization']);

/** Whether the application must answer: see the header of this file. */
function needsApplication(request: IncomingMessage): boolean {
  const headers = request.headers;
  return headers.origin !== undefined || headers['if-match'] !== undefined || anyRepeated(request.rawHeaders);
}

function anyRepeated(rawHeaders: string[]): boolean {
  const seen: string[] = [];
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index]!.toLowerCase();
    if (!SINGLE_HEADERS.has(name)) continue;
    if (seen.includes(name)) return true;
    seen.push(name);
  }
  return false;
}

function send(response: ServerResponse, status: number, body: string, headers: string[]): void {
  response.writeHead(status, ['content-type', JSON_CONTENT_TYPE, 'content-length', String(Buffer.byteLength(body)), ...headers]);
  response.end(body);
}

function sendError(response: ServerResponse, error: SwarmError, headers: string[] = []): void {
  send(response, error.status, JSON.stringify(error.toJSON()), headers);
}

/** A refusal of the gate's (Host, token): answered before the route, so not counted as one of its requests. */
function refuse(request: IncomingMessage, response: ServerResponse, refusal: SwarmError): void {
  closeExchangeIfDraining({ req: request, res: response });
  sendError(response, refusal, Object.entries(refusalHeaders(refusal)).flat());
}

/** Which node coordinated and which replicas answered, as kv-routes.ts says it on every key route. */
function replicaHeaders(nodeId: string, read: Coordinated<StoredRecord>): string[] {
  return ['x-swarmkv-coordinator', nodeId, 'x-swarmkv-replicas', read.replicas.join(',')];
}

/** GET /kv/{key} and PUT /kv/{key} as kv-routes.ts answers them (without If-Match). */
function keyRoutes(deps: FastKeyRoutesDeps): Record<'GET' | 'PUT', KeyRoute> {
  const { coordinator, nodeId, valueBytesMax } = deps;
  return {
    GET: async (_request, key, consistency) => {
      const read = await coordinator.get(key, consistency);
      return { body: keyReadBody(read.result), headers: ['etag', `"${read.result.version}"`, ...replicaHeaders(nodeId, read)] };
    },
    PUT: async (request, key, consistency) => {
      const body = await readValueBodyFrom(nodeBodySource(request), valueBytesMax);
      const written = await coordinator.put(key, body.valueJson, consistency);
      return { body: JSON.stringify({ key: written.result.key, version: written.result.version }), headers: replicaHeaders(nodeId, written) };
    },
  };
}

/** `application`, with plain key reads and writes answered before it (see the header of this file). */
export function withFastKeyRoutes(deps: FastKeyRoutesDeps, application: NodeHandler): NodeHandler {
  const routes = keyRoutes(deps);
  const observers = { GET: deps.metrics.route('GET', ROUTE), PUT: deps.metrics.route('PUT', ROUTE) };
  const serve = async (method: 'GET' | 'PUT', request: IncomingMessage, response: ServerResponse, key: string, search: string | undefined): Promise<void> => {
    const startedMs = performance.now();
    let status = 200;
    try {
      // In kv-routes.ts's order: the key, then the query.
      const validKey = validateKey(key, deps.keyBytesMax);
      const consistency = consistencyQueryValue(search === undefined ? undefined : new URLSearchParams(search));
      const answer = await routes[method](request, validKey, consistency);
      closeExchangeIfDraining({ req: request, res: response });
      send(response, status, answer.body, answer.headers);
    } catch (error) {
      const failure = toSwarmError(error, deps.logger, ROUTE);
      status = failure.status;
      closeExchangeIfDraining({ req: request, res: response });
      if (!response.headersSent) sendError(response, failure);
    }
    observers[method].observe(status, (performance.now() - startedMs) / 1000);
  };
  // The role each route needs, by the gate's rule for its path (roles.ts): read for GET, write for PUT.
  const needed = { GET: requirementOf('GET', ROUTE), PUT: requirementOf('PUT', ROUTE) };
  return (request, response) => {
    const method = request.method;
    const target = (method === 'GET' || method === 'PUT') && !needsApplication(request) ? PLAIN_KEY_TARGET.exec(request.url ?? '') : null;
    const key = target?.[1];
    if (key === undefined || key === '.' || key === '..' || target![2]?.includes('trace') === true) return application(request, response);
    const hostRefused = hostRefusal(request.headers.host ?? null, deps.hosts);
    if (hostRefused !== undefined) return refuse(request, response, hostRefused);
    if (!deps.tokens.enforcing) return void serve(method as 'GET' | 'PUT', request, response, key, target![2]);
    void tokenRefusal(needed[method as 'GET' | 'PUT'], request.headers.authorization, deps.tokens).then((tokenRefused) =>
      tokenRefused === undefined ? serve(method as 'GET' | 'PUT', request, response, key, target![2]) : refuse(request, response, tokenRefused),
    );
  };
}
