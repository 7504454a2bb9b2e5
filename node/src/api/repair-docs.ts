// OpenAPI descriptions of the anti-entropy routes.

import { Type } from '@sinclair/typebox';
import type { OpenAPIV3 } from 'openapi-types';
import { responses, schemas } from './openapi-schemas';

const CompletedRepair = Type.Object({
  finishedAt: Type.String({ format: 'date-time' }),
  durationMs: Type.Integer(),
  keysRepaired: Type.Integer({ description: 'Records that changed a store, here or on a co-replica.' }),
  bytesExchanged: Type.Integer({ description: 'Bytes sent plus bytes received by the pass.' }),
});

export const RepairStatusSchema = Type.Object({
  running: Type.Boolean(),
  rangesDone: Type.Integer({ description: 'Ranges of this node’s share compared with every co-replica so far.' }),
  rangesTotal: Type.Integer({ description: 'Ranges this node replicates.' }),
  keysRepaired: Type.Integer(),
  bytesSent: Type.Integer(),
  bytesReceived: Type.Integer(),
  startedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'Start of the pass in progress, or of the last one.' }),
  lastCompleted: Type.Union([CompletedRepair, Type.Null()]),
});

export const repairDocs = {
  start: {
    summary: 'Start a full anti-entropy pass on this node now',
    description:
      'Compares this node’s digests with each healthy co-replica for every range it replicates and moves the newer record of every key that differs, both ways. Follow it with GET /cluster/repair.',
    tags: ['cluster'],
    responses: responses({
      202: ['The pass started; the body is its status.', RepairStatusSchema],
      409: ['A pass is already running on this node.', schemas.Error],
    }),
  },
  status: {
    summary: 'Anti-entropy progress: the pass in progress and the last one completed',
    tags: ['cluster'],
    responses: responses({ 200: ['This node’s repair status.', RepairStatusSchema] }),
  },
} satisfies Record<string, Partial<OpenAPIV3.OperationObject>>;
