// OpenAPI descriptions of the routes that shrink the cluster: leave, and remove a dead member.

import { Type } from '@sinclair/typebox';
import type { OpenAPIV3 } from 'openapi-types';
import { responses, schemas } from './openapi-schemas';

const Time = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

export const LeaveStatusSchema = Type.Object({
  phase: Type.Union(['member', 'streaming', 'finishing', 'left', 'failed'].map((phase) => Type.Literal(phase)), {
    description:
      'member: no leave asked for; streaming: sending every record to its successors; finishing: writes refused, sending what changed meanwhile; left: every record acknowledged by its new owners, the node left the ring and stops; failed: the node stays a member (see reason).',
  }),
  startedAt: Time,
  finishedAt: Time,
  recordsTotal: Type.Integer({ description: 'Records (tombstones included) and hints held when the leave started.' }),
  recordsHandedOver: Type.Integer({ description: 'Records acknowledged by every successor so far.' }),
  bytesHandedOver: Type.Integer(),
  changedKeys: Type.Union([Type.Integer(), Type.Null()], { description: 'Keys written during the stream and sent again by the final pass.' }),
  failed: Type.Integer({ description: 'Records some successor did not acknowledge.' }),
  reason: Type.Union([Type.String(), Type.Null()], { description: 'Why a leave failed.' }),
});

export const RemovalSchema = Type.Object({
  nodeId: Type.String(),
  name: Type.String(),
  previousState: Type.String({ description: 'What this node believed of the member before: dead or left.' }),
  hintsDropped: Type.Integer({ description: 'Hints this node held for the member, deleted (every node drops its own as the removal reaches it).' }),
});

export const elasticityDocs = {
  leave: {
    summary: 'Leave the cluster for good: hand every record over, then leave the ring and stop',
    description:
      'Streams every record this node holds to the nodes that own it once this node is gone, in bounded batches, then refuses writes and sends what changed meanwhile; only when every record is acknowledged by all its new owners does it announce that it left, and then it stops. Idempotent: asking again returns the progress. Follow it with GET /cluster/leave.',
    tags: ['cluster'],
    responses: responses({
      202: ['The leave is under way (or done); the body is its progress.', LeaveStatusSchema],
      409: ['A standalone node has no cluster to leave.', schemas.Error],
    }),
  },
  leaveStatus: {
    summary: 'Progress of this node’s leave',
    tags: ['cluster'],
    responses: responses({ 200: ['This node’s leave status.', LeaveStatusSchema] }),
  },
  remove: {
    summary: 'Remove a dead member for good: the ring forgets it and its ranges are re-replicated',
    description:
      'Only for a member believed dead (or left): the removal is gossiped, every node drops it from its ring and the hints it held for it, and runs an anti-entropy pass so the new owners of its ranges get their copies from the surviving replicas. A removed node cannot come back under its id: if it restarts it hears it was removed and stops; wipe its data directory to join it as a new node.',
    tags: ['cluster'],
    responses: responses({
      200: ['Removed; the removal spreads by gossip.', RemovalSchema],
      400: ['The path does not name a node id (16 hex digits).', schemas.Error],
      404: ['No member with this id.', schemas.Error],
      409: ['The member is alive or suspect (only a dead member can be removed), or it is this node.', schemas.Error],
    }),
  },
} satisfies Record<string, Partial<OpenAPIV3.OperationObject>>;
