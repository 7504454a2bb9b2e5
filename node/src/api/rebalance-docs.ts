// OpenAPI description of GET /cluster/rebalance.

import { Type, type TSchema } from '@sinclair/typebox';
import type { OpenAPIV3 } from 'openapi-types';
import { responses } from './openapi-schemas';

const Nullable = <T extends TSchema>(schema: T, description: string) => Type.Union([schema, Type.Null()], { description });

const Transfer = Type.Object({
  range: Type.Object({ start: Type.String(), end: Type.String() }, { description: 'Ring positions (start, end], hex; wrapping past the top when end <= start.' }),
  from: Type.String({ description: 'Node id the range streams from (the first candidate while queued).' }),
  to: Type.String({ description: 'Node id it streams to: this node.' }),
  state: Type.Union(['queued', 'running', 'finished', 'failed'].map((state) => Type.Literal(state))),
  keysDone: Type.Integer(),
  keysTotal: Nullable(Type.Integer(), 'Records the source holds in the range, once asked.'),
  bytesDone: Type.Integer(),
  bytesTotal: Nullable(Type.Integer(), 'Estimated from the bytes per key streamed so far.'),
  keysPerSecond: Type.Integer(),
  bytesPerSecond: Type.Integer(),
  etaMs: Nullable(Type.Integer(), 'Milliseconds left at the current rate; null when unknown.'),
  startedAt: Nullable(Type.String({ format: 'date-time' }), 'When the transfer started; null while queued.'),
  finishedAt: Nullable(Type.String({ format: 'date-time' }), 'When it finished or failed.'),
  error: Nullable(Type.String(), 'Why the last attempt failed (a failed transfer is retried).'),
});

export const RebalanceSchema = Type.Object({
  nodeId: Type.String(),
  ownership: Type.Union(['joining', 'owner', 'leaving'].map((state) => Type.Literal(state)), {
    description: 'This node’s part in the ring: `joining` while it streams its ranges in, `owner` once quorums count it.',
  }),
  inProgress: Type.Array(Transfer),
  queued: Type.Array(Transfer),
  finished: Type.Array(Transfer, { description: 'The most recent finished or failed transfers, newest first.' }),
  keysStreamed: Type.Integer({ description: 'Records streamed in since this node started.' }),
  bytesStreamed: Type.Integer(),
});

export const rebalanceDocs = {
  status: {
    summary: 'Range transfers into this node: in progress, queued and recently finished',
    description:
      'A node that joins the ring streams each range it will own from a current replica before quorums count it. Ask each node: every transfer is listed by the node it streams to.',
    tags: ['cluster'],
    responses: responses({ 200: ['This node’s transfers.', RebalanceSchema] }),
  },
} satisfies Record<string, Partial<OpenAPIV3.OperationObject>>;
