// OpenAPI documentation of the REST API. Routes read their bodies themselves (see request-body.ts), so
// request and response shapes are declared here as JSON Schema (TypeBox) and attached to each route's
// `detail`, which documents them without adding a second validation pass to the request path.

import { Type, type TSchema } from '@sinclair/typebox';
import type { OpenAPIV3 } from 'openapi-types';
import { errorStatus, type ErrorCode } from '../errors';

const Version = Type.String({
  description: 'Hybrid-logical-clock version `wall.logical.node`: compare as strings to order writes.',
  examples: ['018c5a1b2c3d.0000.9f2c4e7a1b3d5f60'],
});
const Key = Type.String({ description: 'The key, 1..1024 bytes of UTF-8 by default; never `.` or `..` (URL dot segments).' });

const TraceStep = Type.Object(
  {
    atMs: Type.Number({ description: 'Milliseconds since the coordinator took the request.' }),
    step: Type.Union(['placement', 'version', 'ask', 'reply', 'ack', 'fail', 'quorum', 'superseded', 'repair', 'hint', 'answer'].map((step) => Type.Literal(step))),
  },
  { additionalProperties: true, description: 'One step; its other fields depend on `step` (docs/api.md, "Tracing a request").' },
);

/** What `?trace=true` adds to a key route's answer (replication/request-trace.ts). */
const Trace = Type.Object(
  {
    coordinator: Type.String({ description: 'The node id that coordinated the request.' }),
    steps: Type.Array(TraceStep),
    stepsDropped: Type.Integer({ description: 'Steps beyond the 256 kept.' }),
    inFlight: Type.Array(Type.String(), { description: 'Replicas asked whose answer had not arrived when the client was answered.' }),
    tookMs: Type.Number(),
    names: Type.Record(Type.String(), Type.String(), { description: 'The name of each node id the trace mentions.' }),
  },
  { description: 'Only with `?trace=true`: what the request did inside the cluster.' },
);

export const schemas = {
  ValueBody: Type.Object({ value: Type.Unknown({ description: 'Any JSON value, at most 1 MiB serialised by default.' }) }),
  CreateBody: Type.Object({
    value: Type.Unknown({ description: 'Any JSON value.' }),
    key: Type.Optional(Type.String({ description: 'The key to create; a unique one is generated when omitted.' })),
  }),
  WriteResult: Type.Object({ key: Key, version: Version, trace: Type.Optional(Trace) }),
  Record: Type.Object({ key: Key, value: Type.Unknown(), version: Version, updatedAt: Type.String({ format: 'date-time' }), trace: Type.Optional(Trace) }),
  ListPage: Type.Object({
    items: Type.Array(Type.Object({ key: Key, version: Version, updatedAt: Type.String({ format: 'date-time' }) })),
    next: Type.Union([Type.String(), Type.Null()], { description: 'Cursor for the next page, or null at the end.' }),
  }),
  Health: Type.Object({
    status: Type.Literal('ok'),
    nodeId: Type.String(),
    name: Type.String(),
    version: Type.String({ description: 'swarmkv release.' }),
    uptimeSeconds: Type.Number(),
    storage: Type.Object({ engine: Type.String(), syncPolicy: Type.String(), liveKeys: Type.Integer(), tombstones: Type.Integer(), bytes: Type.Integer() }),
  }),
  Stats: Type.Object({
    nodeId: Type.String(),
    time: Type.String({ format: 'date-time', description: 'When the window ends: now, by this node’s clock.' }),
    requestsTotal: Type.Integer({ description: 'Requests served since the process started.' }),
    requestsPerSecond: Type.Number({ description: 'Over the sliding window (or since start, if shorter).' }),
    latencyMs: Type.Object({
      p50: Type.Union([Type.Number(), Type.Null()], { description: 'Median latency in the window, ms; null when no request finished in it.' }),
      p99: Type.Union([Type.Number(), Type.Null()], { description: '99th percentile latency in the window, ms; null when no request finished in it.' }),
    }),
  }),
  Error: Type.Object(
    {
      error: Type.Union(
        (Object.keys(errorStatus) as ErrorCode[]).map((code) => Type.Literal(code)),
        { description: 'Machine-readable error code.' },
      ),
      message: Type.String({ description: 'What went wrong, for humans.' }),
      trace: Type.Optional(Trace),
    },
    { additionalProperties: true },
  ),
} as const;

type ResponseSpec = readonly [description: string, schema?: TSchema];

/** An OpenAPI `responses` object from `{ status: [description, schema] }`. */
export function responses(spec: Record<number, ResponseSpec>): OpenAPIV3.ResponsesObject {
  return Object.fromEntries(
    Object.entries(spec).map(([status, [description, schema]]) => [
      status,
      schema === undefined ? { description } : { description, content: { 'application/json': { schema: schema as OpenAPIV3.SchemaObject } } },
    ]),
  );
}

export function jsonRequestBody(schema: TSchema, description: string): OpenAPIV3.RequestBodyObject {
  return { required: true, description, content: { 'application/json': { schema: schema as OpenAPIV3.SchemaObject } } };
}

export const keyPathParameter: OpenAPIV3.ParameterObject = {
  name: 'key',
  in: 'path',
  required: true,
  description: 'The key, percent-encoded: `a%2Fb` is the key `a/b`.',
  schema: { type: 'string' },
};

/** The error responses every body-taking route can give. */
export const bodyErrors: Record<number, ResponseSpec> = {
  400: ['Malformed JSON, a missing `value`, or an empty, oversized or malformed key.', schemas.Error],
  413: ['The body or the value exceeds its size limit.', schemas.Error],
  415: ['The body is not JSON (send `Content-Type: application/json`).', schemas.Error],
};
