// The key-value routes of REST API v1. Handlers only translate HTTP to coordinator calls and back.

import { Elysia } from 'elysia';
import { SwarmError } from '../errors';
import { isSystemKey, validateKey } from '../keys';
import { LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX, LIST_PREFIX_BYTES_MAX } from '../limits';
import type { Logger } from '../log';
import type { Consistency } from '../config';
import { ANY_VERSION, type Coordinated, type Coordinator } from '../replication';
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
}


/** What every key route shares: the key from the path, and the headers naming who served it. */
function kvRouteTools(deps: KvRoutesDeps) {
  const pathKey = (params: RouteInput['params']): string => {
    if (params.key === null || params.key === undefined) throw new SwarmError('invalid_key', 'the key in the path is not valid percent-encoded UTF-8');
    return validateKey(params.key, deps.keyBytesMax);
  };
  // Which node coordinated and which replicas answered: the cluster made visible on every response.
  const replicaHeaders = (replicas: string[]) => ({ 'x-swarmkv-coordinator': deps.nodeId, 'x-swarmkv-replicas': replicas.join(',') });
  const writeResult = (status: number, written: Coordinated<StoredRecord>, extra: Record<string, string> = {}) =>
    json(status, { key: written.result.key, version: written.result.version }, { ...replicaHeaders(written.replicas), ...extra });
  // Reads may be made cross-origin from a member's dashboard; writes stay same-origin.
  const route = (method: string, template: string, handler: (input: RouteInput) => Response | Promise<Response>) =>
    instrumented(deps.metrics, deps.logger, method, template, handler, method === 'GET' ? deps.cors : undefined);
  return { pathKey, replicaHeaders, writeResult, route };
}

export function kvRoutes(deps: KvRoutesDeps) {
  const { coordinator, keyBytesMax, valueBytesMax } = deps;
  const { pathKey, replicaHeaders, writeResult, route } = kvRouteTools(deps);
  return new Elysia({ name: 'kv-routes' })
    .get(
      '/kv/:key',
      route('GET', '/kv/{key}', async ({ params, request }) => {
        const read = await coordinator.get(pathKey(params), consistencyOf(request));
        return jsonText(200, keyReadBody(read.result), { ...replicaHeaders(read.replicas), etag: `"${read.result.version}"` });
      }),
      { detail: kvDocs.getKey },
    )
    .put(
      '/kv/:key',
      route('PUT', '/kv/{key}', async ({ params, request }) => {
        const key = pathKey(params);
        const consistency = consistencyOf(request);
        const expected = ifMatchOf(request);
        const body = await readValueBody(request, valueBytesMax);
        const written = expected === undefined ? await coordinator.put(key, body.valueJson, consistency) : await coordinator.writeIfVersion(key, body.valueJson, expected, consistency);
        return writeResult(200, written);
      }),
      { parse: 'none', detail: kvDocs.putKey },
    )
    .post(
      '/kv',
      route('POST', '/kv', async ({ request }) => {
        const consistency = consistencyOf(request);
        const body = await readValueBody(request, valueBytesMax);
        const created =
          body.key === undefined
            ? await coordinator.createWithGeneratedKey(body.valueJson, keyBytesMax, consistency)
            : await coordinator.create(validateKey(body.key, keyBytesMax), body.valueJson, consistency);
        return writeResult(201, created, { location: `/kv/${encodeURIComponent(created.result.key)}` });
      }),
      { parse: 'none', detail: kvDocs.createKey },
    )
    .delete(
      '/kv/:key',
      route('DELETE', '/kv/{key}', async ({ params, request }) => {
        const key = pathKey(params);
        const consistency = consistencyOf(request);
        const expected = ifMatchOf(request);
        const deleted = expected === undefined ? await coordinator.delete(key, consistency) : await coordinator.writeIfVersion(key, null, expected, consistency);
        return emptyResponse(204, replicaHeaders(deleted.replicas));
      }),
      { detail: kvDocs.deleteKey },
    )
    .get(
      '/kv',
      route('GET', '/kv', async ({ request }) => {
        // GET /kv/%2E is normalised to /kv/, which this route also matches: it asks for a key, not a list.
        const refusal = dotSegmentKeyRefusal(request, keyBytesMax);
        if (refusal !== undefined) throw refusal;
        // Listing reads every node's scan whatever the consistency, but a bad value is refused here
        // as on every key route, not silently ignored.
        consistencyOf(request);
        const page = await coordinator.list(parseListQuery(request));
        return json(200, { items: page.items.filter((item) => !isSystemKey(item.key)).map((item) => ({ key: item.key, version: item.version, updatedAt: isoTime(item.updatedAtMs) })), next: page.next });
      }),
      { detail: kvDocs.listKeys },
    );
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
