// The key-value routes of REST API v1. Handlers only translate HTTP to coordinator calls and back.

import { Elysia } from 'elysia';
import { SwarmError } from '../errors';
import { isSystemKey, validateKey } from '../keys';
import { LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX, LIST_PREFIX_BYTES_MAX } from '../limits';
import type { Logger } from '../log';
import type { Consistency } from '../config';
import { ANY_VERSION, type Coordinated, type Coordinator, type RequestTrace } from '../replication';
import { isVersion } from '../version';
import type { StoredRecord } from '../storage';
import type { HttpMetrics } from './http-metrics';
import { instrumented, type RouteInput } from './instrumented';
import { keyReadBody } from './key-read-body';
import { kvDocs } from './kv-docs';
import { nodeExchangeOf } from './node-exchange';
import type { ReadCors } from './read-cors';
import { consistencyQueryValue, integerQueryValue, queryOf, singleQueryValue } from './query';
import { readValueBody } from './request-body';
import { requestTraceOf, tracePayload, withTrace, type TraceNames } from './request-tracing';
import { emptyResponse, isoTime, json, jsonText } from './responses';

export interface KvRoutesDeps {
  readonly coordinator: Coordinator;
  /** This node's id, reported as the coordinator of every request it serves. */
  readonly nodeId: string;
  readonly metrics: HttpMetrics;
  readonly logger: Logger;
  readonly keyBytesMax: number;
  readonly valueBytesMax: number;
  readonly cors: ReadCors;
  /** Whose names a traced request's answer shows beside their ids (`?trace=true`). */
  readonly cluster: TraceNames;
}


/** What every key route shares: the key from the path, and the headers naming who served it. */
function kvRouteTools(deps: KvRoutesDeps) {
  const pathKey = (params: RouteInput['params']): string => {
    if (params.key === null || params.key === undefined) throw new SwarmError('invalid_key', 'the key in the path is not valid percent-encoded UTF-8');
    return validateKey(params.key, deps.keyBytesMax);
  };
  // Which node coordinated and which replicas answered: the cluster made visible on every response.
  const replicaHeaders = (replicas: string[]) => ({ 'x-swarmkv-coordinator': deps.nodeId, 'x-swarmkv-replicas': replicas.join(',') });
  const traceOf = (request: Request) => requestTraceOf(queryOf(request), deps.nodeId);
  // With a trace, the answer's status is its last step and the trace goes into the body.
  const traceField = (trace: RequestTrace | undefined, status: number) => {
    if (trace === undefined) return {};
    trace.answered(status);
    return { trace: tracePayload(trace, deps.cluster) };
  };
  const writeResult = (status: number, written: Coordinated<StoredRecord>, trace: RequestTrace | undefined, extra: Record<string, string> = {}) =>
    json(status, { key: written.result.key, version: written.result.version, ...traceField(trace, status) }, { ...replicaHeaders(written.replicas), ...extra });
  // Reads may be made cross-origin from a member's dashboard; writes stay same-origin.
  const route = (method: string, template: string, handler: (input: RouteInput) => Response | Promise<Response>) =>
    instrumented(deps.metrics, deps.logger, method, template, handler, method === 'GET' ? deps.cors : undefined);
  return { pathKey, replicaHeaders, traceOf, traceField, writeResult, route };
}

export function kvRoutes(deps: KvRoutesDeps) {
  const read = readHandlers(deps);
  const write = writeHandlers(deps);
  return new Elysia({ name: 'kv-routes' })
    .get('/kv/:key', read.getKey, { detail: kvDocs.getKey })
    .put('/kv/:key', write.putKey, { parse: 'none', detail: kvDocs.putKey })
    .post('/kv', write.createKey, { parse: 'none', detail: kvDocs.createKey })
    .delete('/kv/:key', write.deleteKey, { detail: kvDocs.deleteKey })
    .get('/kv', read.listKeys, { detail: kvDocs.listKeys });
}

function readHandlers(deps: KvRoutesDeps) {
  const { coordinator, keyBytesMax } = deps;
  const { pathKey, replicaHeaders, traceOf, traceField, route } = kvRouteTools(deps);
  return {
    getKey: route('GET', '/kv/{key}', async ({ params, request }) => {
      const key = pathKey(params);
      const consistency = consistencyOf(request);
      const trace = traceOf(request);
      const read = await withTrace(trace, deps.cluster, () => coordinator.get(key, consistency, trace));
      const headers = { ...replicaHeaders(read.replicas), etag: `"${read.result.version}"` };
      if (trace === undefined) return jsonText(200, keyReadBody(read.result), headers);
      return jsonText(200, `${keyReadBody(read.result).slice(0, -1)},"trace":${JSON.stringify(traceField(trace, 200).trace)}}`, headers);
    }),
    listKeys: route('GET', '/kv', async ({ request }) => {
      // GET /kv/%2E is normalised to /kv/, which this route also matches: it asks for a key, not a list.
      const refusal = dotSegmentKeyRefusal(request, keyBytesMax);
      if (refusal !== undefined) throw refusal;
      // Listing reads every node's scan whatever the consistency, but a bad value is refused here
      // as on every key route, not silently ignored.
      consistencyOf(request);
      const page = await coordinator.list(parseListQuery(request));
      return json(200, { items: page.items.filter((item) => !isSystemKey(item.key)).map((item) => ({ key: item.key, version: item.version, updatedAt: isoTime(item.updatedAtMs) })), next: page.next });
    }),
  };
}

function writeHandlers(deps: KvRoutesDeps) {
  const { coordinator, keyBytesMax, valueBytesMax, cluster: names } = deps;
  const { pathKey, replicaHeaders, traceOf, writeResult, route } = kvRouteTools(deps);
  return {
    putKey: route('PUT', '/kv/{key}', async ({ params, request }) => {
      const key = pathKey(params);
      const consistency = consistencyOf(request);
      const expected = ifMatchOf(request);
      const trace = traceOf(request);
      const body = await readValueBody(request, valueBytesMax);
      const written = await withTrace(trace, names, () =>
        expected === undefined ? coordinator.put(key, body.valueJson, consistency, trace) : coordinator.writeIfVersion(key, body.valueJson, expected, consistency, trace),
      );
      return writeResult(200, written, trace);
    }),
    createKey: route('POST', '/kv', async ({ request }) => {
      const consistency = consistencyOf(request);
      const trace = traceOf(request);
      const body = await readValueBody(request, valueBytesMax);
      const key = body.key === undefined ? undefined : validateKey(body.key, keyBytesMax);
      const created = await withTrace(trace, names, () =>
        key === undefined ? coordinator.createWithGeneratedKey(body.valueJson, keyBytesMax, consistency, trace) : coordinator.create(key, body.valueJson, consistency, trace),
      );
      return writeResult(201, created, trace, { location: `/kv/${encodeURIComponent(created.result.key)}` });
    }),
    deleteKey: route('DELETE', '/kv/{key}', async ({ params, request }) => {
      const key = pathKey(params);
      const consistency = consistencyOf(request);
      const expected = ifMatchOf(request);
      const trace = traceOf(request);
      const deleted = await withTrace(trace, names, () =>
        expected === undefined ? coordinator.delete(key, consistency, trace) : coordinator.writeIfVersion(key, null, expected, consistency, trace),
      );
      // A 204 has no body: traced, the tombstone's version and the trace come with a 200.
      return trace === undefined ? emptyResponse(204, replicaHeaders(deleted.replicas)) : writeResult(200, deleted, trace);
    }),
  };
}

/** An entity tag as HTTP sends it: a version in quotes, optionally weak (`W/"..."`), or bare. */
const ENTITY_TAG = /^(?:W\/)?"?([^"]*)"?$/;

/**
 * The version a conditional write expects (`If-Match`), `*` for "any live version", or undefined when
 * the header is absent. One version only: a list of entity tags is refused rather than half-honoured.
 */
function ifMatchOf(request: Request): string | undefined {
  const header = request.headers.get('if-match');
  if (header === null) return undefined;
  const text = header.trim();
  if (text === ANY_VERSION) return ANY_VERSION;
  const version = ENTITY_TAG.exec(text)?.[1];
  if (version === undefined || !isVersion(version)) {
    throw new SwarmError('invalid_header', `If-Match must be one version as GET returns it in ETag (or *), got ${JSON.stringify(text.slice(0, 100))}`);
  }
  return version;
}

/** `/kv/` then one segment that is only dots, plain or percent-encoded, as the client sent it. */
const DOT_SEGMENT_KEY_TARGET = /^\/kv\/((?:\.|%2e){1,2})(?:\?|$)/i;

/**
 * A key "." or ".." sent as /kv/%2E (or /kv/.., /kv/.%2e) never reaches the key routes: URL normalisation
 * removes dot segments before routing, so the router sees /kv/ or /. The target as the client sent it
 * is still on the Node request; when it names such a key, the answer is the invalid_key that POST gives
 * for the same key, not a puzzling route_not_found.
 */
export function dotSegmentKeyRefusal(request: Request, keyBytesMax: number): SwarmError | undefined {
  const target = nodeExchangeOf(request)?.req.url;
  const segment = target === undefined ? undefined : DOT_SEGMENT_KEY_TARGET.exec(target)?.[1];
  if (segment === undefined) return undefined;
  try {
    validateKey(segment.replaceAll(/%2e/gi, '.'), keyBytesMax);
  } catch (error) {
    if (error instanceof SwarmError) return error;
    throw error;
  }
  return undefined;
}

/** `?consistency=one|quorum|all`, or undefined for the node's default. */
function consistencyOf(request: Request): Consistency | undefined {
  return consistencyQueryValue(queryOf(request));
}

function parseListQuery(request: Request) {
  const query = queryOf(request);
  const prefix = singleQueryValue(query, 'prefix') ?? '';
  if (Buffer.byteLength(prefix) > LIST_PREFIX_BYTES_MAX) throw new SwarmError('invalid_query', `the prefix exceeds ${LIST_PREFIX_BYTES_MAX} bytes`);
  const limit = integerQueryValue(query, 'limit', { min: 1, max: LIST_LIMIT_MAX, fallback: LIST_LIMIT_DEFAULT });
  const cursor = singleQueryValue(query, 'cursor');
  return { prefix, limit, cursor: cursor === '' ? undefined : cursor };
}
