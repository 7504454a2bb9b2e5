// The key-value routes of REST API v1. Handlers only translate HTTP to coordinator calls and back.

import { Elysia } from 'elysia';
import type { OpenAPIV3 } from 'openapi-types';
import { SwarmError } from '../errors';
import { validateKey } from '../keys';
import { LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX, LIST_PREFIX_BYTES_MAX } from '../limits';
import type { Logger } from '../log';
import type { Coordinator } from '../replication';
import type { HttpMetrics } from './http-metrics';
import { instrumented } from './instrumented';
import { bodyErrors, jsonRequestBody, keyPathParameter, responses, schemas } from './openapi-schemas';
import { readValueBody } from './request-body';
import { isoTime, json, jsonText } from './responses';

export interface KvRoutesDeps {
  readonly coordinator: Coordinator;
  readonly metrics: HttpMetrics;
  readonly logger: Logger;
  readonly keyBytesMax: number;
  readonly valueBytesMax: number;
}

interface KeyContext {
  params: { key: string | null };
  request: Request;
}

interface BodyContext {
  request: Request;
}

interface ListContext {
  query: Record<string, string | string[] | undefined>;
}

export function kvRoutes(deps: KvRoutesDeps) {
  const { coordinator, keyBytesMax, valueBytesMax } = deps;
  const route = <C>(method: string, template: string, handler: (context: C) => Response | Promise<Response>) =>
    instrumented<C>(deps.metrics, deps.logger, method, template, handler);
  const pathKey = (params: KeyContext['params']): string => {
    if (params.key === null) throw new SwarmError('invalid_key', 'the key in the path is not valid percent-encoded UTF-8');
    return validateKey(params.key, keyBytesMax);
  };
  const writeResult = (status: number, key: string, version: string, headers: Record<string, string> = {}) =>
    json(status, { key, version }, headers);

  return new Elysia({ name: 'kv-routes' })
    .get(
      '/kv/:key',
      route<KeyContext>('GET', '/kv/{key}', ({ params }) => {
        const record = coordinator.get(pathKey(params));
        return jsonText(
          200,
          `{"key":${JSON.stringify(record.key)},"value":${record.valueJson},"version":"${record.version}","updatedAt":"${isoTime(record.updatedAtMs)}"}`,
        );
      }),
      {
        detail: {
          summary: 'Read a key',
          tags: ['kv'],
          parameters: [keyPathParameter],
          responses: responses({ 200: ['The value and its version.', schemas.Record], 400: ['Malformed key.', schemas.Error], 404: ['No such key, or it was deleted.', schemas.Error] }),
        },
      },
    )
    .put(
      '/kv/:key',
      route<KeyContext>('PUT', '/kv/{key}', async ({ params, request }) => {
        const key = pathKey(params);
        const body = await readValueBody(request, valueBytesMax);
        const record = await coordinator.put(key, body.valueJson);
        return writeResult(200, key, record.version);
      }),
      {
        parse: 'none',
        detail: {
          summary: 'Create or replace a key',
          tags: ['kv'],
          parameters: [keyPathParameter],
          requestBody: jsonRequestBody(schemas.ValueBody, '`{"value": <any JSON>}`'),
          responses: responses({ 200: ['Stored; the new version.', schemas.WriteResult], ...bodyErrors }),
        },
      },
    )
    .post(
      '/kv',
      route<BodyContext>('POST', '/kv', async ({ request }) => {
        const body = await readValueBody(request, valueBytesMax);
        const record =
          body.key === undefined
            ? await coordinator.createWithGeneratedKey(body.valueJson)
            : await coordinator.create(validateKey(body.key, keyBytesMax), body.valueJson);
        return writeResult(201, record.key, record.version, { location: `/kv/${encodeURIComponent(record.key)}` });
      }),
      {
        parse: 'none',
        detail: {
          summary: 'Create a key that does not exist yet',
          description: 'Generates a unique key when `key` is omitted. A deleted key counts as absent.',
          tags: ['kv'],
          requestBody: jsonRequestBody(schemas.CreateBody, '`{"value": <any JSON>, "key"?: string}`'),
          responses: responses({ 201: ['Created; `Location` names the new key.', schemas.WriteResult], ...bodyErrors, 409: ['The key already exists.', schemas.Error] }),
        },
      },
    )
    .delete(
      '/kv/:key',
      route<KeyContext>('DELETE', '/kv/{key}', async ({ params }) => {
        await coordinator.delete(pathKey(params));
        return new Response(null, { status: 204 });
      }),
      {
        detail: {
          summary: 'Delete a key',
          description: 'Writes a tombstone, so replicas that missed the delete cannot bring the key back.',
          tags: ['kv'],
          parameters: [keyPathParameter],
          responses: responses({ 204: ['Deleted.'], 400: ['Malformed key.', schemas.Error], 404: ['No such key, or already deleted.', schemas.Error] }),
        },
      },
    )
    .get(
      '/kv',
      route<ListContext>('GET', '/kv', ({ query }) => {
        const page = coordinator.list(parseListQuery(query));
        return json(200, { items: page.items.map((item) => ({ key: item.key, version: item.version, updatedAt: isoTime(item.updatedAtMs) })), next: page.next });
      }),
      {
        detail: {
          summary: 'List keys in key order',
          tags: ['kv'],
          parameters: listQueryParameters,
          responses: responses({ 200: ['A page of keys.', schemas.ListPage], 400: ['Malformed prefix, limit or cursor.', schemas.Error] }),
        },
      },
    );
}

const listQueryParameters: OpenAPIV3.ParameterObject[] = [
  { name: 'prefix', in: 'query', description: 'Only keys starting with this.', schema: { type: 'string' } },
  { name: 'limit', in: 'query', description: `Page size, 1..${LIST_LIMIT_MAX}.`, schema: { type: 'integer', default: LIST_LIMIT_DEFAULT } },
  { name: 'cursor', in: 'query', description: 'The `next` of the previous page.', schema: { type: 'string' } },
];

function singleQueryValue(query: ListContext['query'], name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) throw new SwarmError('invalid_query', `give ${name} at most once`);
  return value;
}

function parseListQuery(query: ListContext['query']) {
  const prefix = singleQueryValue(query, 'prefix') ?? '';
  if (Buffer.byteLength(prefix) > LIST_PREFIX_BYTES_MAX) throw new SwarmError('invalid_query', `the prefix exceeds ${LIST_PREFIX_BYTES_MAX} bytes`);
  const limitText = singleQueryValue(query, 'limit');
  const limit = limitText === undefined ? LIST_LIMIT_DEFAULT : Number(limitText);
  if (!/^\d+$/.test(limitText ?? '1') || !Number.isInteger(limit) || limit < 1 || limit > LIST_LIMIT_MAX) {
    throw new SwarmError('invalid_query', `limit must be an integer 1..${LIST_LIMIT_MAX}`);
  }
  const cursor = singleQueryValue(query, 'cursor');
  return { prefix, limit, cursor: cursor === '' ? undefined : cursor };
}
