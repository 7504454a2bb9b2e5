// OpenAPI descriptions of the key-value routes, kept apart from the handlers so each stays readable.

import type { OpenAPIV3 } from 'openapi-types';
import { LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX } from '../limits';
import { bodyErrors, jsonRequestBody, keyPathParameter, responses, schemas } from './openapi-schemas';

const listQueryParameters: OpenAPIV3.ParameterObject[] = [
  { name: 'prefix', in: 'query', description: 'Only keys starting with this.', schema: { type: 'string' } },
  { name: 'limit', in: 'query', description: `Page size, 1..${LIST_LIMIT_MAX}.`, schema: { type: 'integer', default: LIST_LIMIT_DEFAULT } },
  { name: 'cursor', in: 'query', description: 'The `next` of the previous page.', schema: { type: 'string' } },
];

const consistencyParameter: OpenAPIV3.ParameterObject = {
  name: 'consistency',
  in: 'query',
  description: 'How many of the key’s replicas must answer: `one`, `quorum` (a majority) or `all`. Defaults to the node’s --read-consistency or --write-consistency.',
  schema: { type: 'string', enum: ['one', 'quorum', 'all'] },
};

const ifMatchParameter: OpenAPIV3.ParameterObject = {
  name: 'if-match',
  in: 'header',
  description: 'Write only if the key’s newest version is this one (the `ETag` of a GET, quoted or bare), or `*` for any live version; else 412 and nothing is written. The new version supersedes it whatever the nodes’ clocks say.',
  schema: { type: 'string' },
};

const traceParameter: OpenAPIV3.ParameterObject = {
  name: 'trace',
  in: 'query',
  description: '`true`: the answer (an error too) carries `trace`, what the request did inside the cluster: the replicas chosen, whom the coordinator asked and when, their answers, the quorum, repairs. A traced DELETE answers 200 with `{"key","version","trace"}`.',
  schema: { type: 'boolean', default: false },
};

const conditionalErrors: Record<number, readonly [string, typeof schemas.Error]> = {
  412: ['`If-Match` named a version that is not the key’s newest (`precondition_failed`, with `expected` and `current`).', schemas.Error],
};

/** Every data route coordinates replicas; create and delete also take a bounded per-key lock. */
const replicaErrors: Record<number, readonly [string, typeof schemas.Error]> = {
  503: ['Too few replicas answered (`insufficient_replicas`), or one is unreachable or this node is busy (`unavailable`).', schemas.Error],
};

export const kvDocs = {
  getKey: {
            summary: 'Read a key',
            tags: ['kv'],
            parameters: [keyPathParameter, consistencyParameter, traceParameter],
            responses: responses({ 200: ['The value and its version (also in the `ETag` header).', schemas.Record], 400: ['Malformed key.', schemas.Error], 404: ['No such key, or it was deleted.', schemas.Error], ...replicaErrors }),
          },
  putKey: {
            summary: 'Create or replace a key',
            tags: ['kv'],
            parameters: [keyPathParameter, consistencyParameter, ifMatchParameter, traceParameter],
            requestBody: jsonRequestBody(schemas.ValueBody, '`{"value": <any JSON>}`'),
            responses: responses({ 200: ['Stored; the new version.', schemas.WriteResult], ...bodyErrors, ...conditionalErrors, ...replicaErrors }),
          },
  createKey: {
            summary: 'Create a key that does not exist yet',
            description: 'Generates a unique key when `key` is omitted (22 random base64url characters, fewer if the key limit is smaller). A deleted key counts as absent.',
            tags: ['kv'],
            parameters: [consistencyParameter, traceParameter],
            requestBody: jsonRequestBody(schemas.CreateBody, '`{"value": <any JSON>, "key"?: string}`'),
            responses: responses({ 201: ['Created; `Location` names the new key.', schemas.WriteResult], ...bodyErrors, 409: ['The key already exists.', schemas.Error], ...replicaErrors }),
          },
  deleteKey: {
            summary: 'Delete a key',
            description: 'Writes a tombstone, so replicas that missed the delete cannot bring the key back.',
            tags: ['kv'],
            parameters: [keyPathParameter, consistencyParameter, ifMatchParameter, traceParameter],
            responses: responses({ 200: ['Deleted, traced (`?trace=true`): the tombstone’s version and the trace.', schemas.WriteResult], 204: ['Deleted.'], 400: ['Malformed key or If-Match.', schemas.Error], 404: ['No such key, or already deleted.', schemas.Error], ...conditionalErrors, ...replicaErrors }),
          },
  listKeys: {
            summary: 'List keys in key order',
            tags: ['kv'],
            parameters: listQueryParameters,
            responses: responses({
              200: ['A page of keys.', schemas.ListPage],
              400: ['Malformed prefix, limit or cursor.', schemas.Error],
              503: ['No replica of some range of the ring answered (`insufficient_replicas`, with `rangesUnheard` and `ranges`): the page would miss its keys.', schemas.Error],
            }),
          },
} satisfies Record<string, Partial<OpenAPIV3.OperationObject>>;
