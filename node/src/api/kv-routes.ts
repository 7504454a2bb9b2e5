// The key-value routes of REST API v1. Handlers only translate HTTP to coordinator calls and back.

import { Elysia } from 'elysia';
import { SwarmError } from '../errors';
import { validateKey } from '../keys';
import { LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX, LIST_PREFIX_BYTES_MAX } from '../limits';
import type { Logger } from '../log';
import type { Coordinator } from '../replication';
import type { HttpMetrics } from './http-metrics';
import { instrumented } from './instrumented';
import { kvDocs } from './kv-docs';
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
      { detail: kvDocs.getKey },
    )
    .put(
      '/kv/:key',
      route<KeyContext>('PUT', '/kv/{key}', async ({ params, request }) => {
        const key = pathKey(params);
        const body = await readValueBody(request, valueBytesMax);
        const record = await coordinator.put(key, body.valueJson);
        return writeResult(200, key, record.version);
      }),
      { parse: 'none', detail: kvDocs.putKey },
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
      { parse: 'none', detail: kvDocs.createKey },
    )
    .delete(
      '/kv/:key',
      route<KeyContext>('DELETE', '/kv/{key}', async ({ params }) => {
        await coordinator.delete(pathKey(params));
        return new Response(null, { status: 204 });
      }),
      { detail: kvDocs.deleteKey },
    )
    .get(
      '/kv',
      route<ListContext>('GET', '/kv', ({ query }) => {
        const page = coordinator.list(parseListQuery(query));
        return json(200, { items: page.items.map((item) => ({ key: item.key, version: item.version, updatedAt: isoTime(item.updatedAtMs) })), next: page.next });
      }),
      { detail: kvDocs.listKeys },
    );
}

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
