// OpenAPI descriptions of the cluster routes.

import { Type, type TSchema } from '@sinclair/typebox';
import type { OpenAPIV3 } from 'openapi-types';
import { keyPathParameter, responses, schemas } from './openapi-schemas';
import { RepairStatusSchema } from './repair-docs';

const State = Type.Union(['alive', 'suspect', 'dead', 'left', 'removed'].map((state) => Type.Literal(state)));
const Member = Type.Object({
  nodeId: Type.String(),
  name: Type.String(),
  httpAddress: Type.String({ description: 'host:port of the member’s HTTP API' }),
  state: State,
  incarnation: Type.Integer({ description: 'Raised by the member to refute a suspicion of its death.' }),
  heartbeatAgeMs: Type.Number({ description: 'Milliseconds since this node last heard from the member.' }),
  keyCount: Type.Union([Type.Integer(), Type.Null()], { description: 'Live keys in the member’s store, as it last reported.' }),
  ringDigest: Type.Union([Type.String(), Type.Null()], { description: 'Digest of the ring the member routes by, as it last reported.' }),
  self: Type.Boolean(),
});
const Ring = Type.Object({
  digest: Type.String({ description: 'Equal on every node once membership has converged.' }),
  replicationFactor: Type.Integer(),
  tokensPerNode: Type.Integer(),
  members: Type.Array(Type.String()),
  ranges: Type.Array(Type.Object({ start: Type.String(), end: Type.String(), replicas: Type.Array(Type.String()) })),
});
const Location = Type.Object({
  key: Type.String(),
  position: Type.String(),
  replicas: Type.Array(Type.Object({ nodeId: Type.String(), name: Type.String(), httpAddress: Type.String(), state: State })),
  targets: Type.Array(Type.Object({ nodeId: Type.String(), standInFor: Type.Union([Type.String(), Type.Null()]) })),
});

const Nullable = <T extends TSchema>(schema: T, description: string) => Type.Union([schema, Type.Null()], { description });
export const ExplanationSchema = Type.Object({
  key: Type.String(),
  position: Type.String({ description: 'The key’s position on the ring, hex.' }),
  ringDigest: Type.String({ description: 'Digest of the ring this node placed the key by.' }),
  replicas: Type.Array(
    Type.Object({
      nodeId: Type.String(),
      name: Type.String(),
      httpAddress: Type.String(),
      role: Type.Union([Type.Literal('home'), Type.Literal('stand-in')], { description: '`home`: one of the key’s N intended replicas; `stand-in`: takes writes (as hints) for a home replica that is down.' }),
      state: State,
      reachable: Type.Boolean({ description: 'Whether the member answered just now; if not, its version is not known (null).' }),
      version: Nullable(Type.String(), 'The version the member holds: a home replica’s own store, a stand-in’s newest hint or record; null when none (or unreachable).'),
      updatedAt: Nullable(Type.String({ format: 'date-time' }), 'When that version was written.'),
      deleted: Type.Boolean({ description: 'True when the version held is a tombstone.' }),
    }),
    { description: 'The N home replicas in preference order, then any stand-ins.' },
  ),
  hints: Type.Array(Type.Object({ holderNodeId: Type.String(), targetNodeId: Type.String(), count: Type.Integer() }), {
    description: 'Hints pending for this key: held by one member, owed to another, as every member that answered reported.',
  }),
  agree: Type.Boolean({ description: 'Every home replica answered and they hold the same version (or all hold nothing).' }),
  newestVersion: Nullable(Type.String(), 'The newest version any replica or hint holds; null when none holds the key.'),
});

export const EventsSchema = Type.Object({
  nodeId: Type.String(),
  events: Type.Array(
    Type.Object({
      seq: Type.Integer({ description: 'Increases by one per event this process logged; starts again at 1 when it restarts.' }),
      time: Type.String({ format: 'date-time' }),
      event: Type.String({ description: 'The log event’s name, e.g. `membership.member_changed`, `hints.delivered`, `repair.pass_completed`.' }),
      level: Type.Union([Type.Literal('info'), Type.Literal('warn'), Type.Literal('error')]),
      fields: Type.Object({}, { additionalProperties: true, description: 'The event’s fields, as in its log line.' }),
    }),
  ),
  next: Type.Integer({ description: 'Pass as `after` to get the events after these.' }),
});

const LocalCopy = Type.Object({
  key: Type.String(),
  version: Type.String(),
  deleted: Type.Boolean({ description: 'True when this node holds a tombstone: the key was deleted.' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

const HintHealth = Type.Object({
  pending: Type.Integer({ description: 'Hints this node holds for replicas that were down when written to, not delivered yet.' }),
  bytes: Type.Integer({ description: 'Bytes those hints occupy (bounded by --hint-bytes-max).' }),
  byTarget: Type.Array(Type.Object({ nodeId: Type.String(), count: Type.Integer() }), { description: 'Pending hints per node they are owed to, largest first.' }),
  overflowed: Type.Integer({ description: 'Hints refused since start because the hint store was full (those writes failed on this stand-in).' }),
  delivered: Type.Integer({ description: 'Hints delivered and acknowledged since start.' }),
});
const ClusterHealth = Type.Object({
  nodeId: Type.String(),
  hints: HintHealth,
  repair: RepairStatusSchema,
});

export const clusterDocs = {
  health: {
    summary: 'This node’s background work for the cluster: hinted handoff and anti-entropy',
    description: 'One section per background process. `hints`: writes this node keeps as a stand-in for replicas that were down, until it delivers them. `repair`: the anti-entropy pass in progress and the last completed one (as GET /cluster/repair).',
    tags: ['cluster'],
    responses: responses({ 200: ['This node’s hint backlog and counters, and its repair status.', ClusterHealth] }),
  },
  members: {
    summary: 'Cluster members as this node sees them',
    tags: ['cluster'],
    responses: responses({ 200: ['Every member this node knows, itself included.', Type.Object({ members: Type.Array(Member) })] }),
  },
  ring: {
    summary: 'The consistent-hash ring: ranges and their replica sets',
    tags: ['cluster'],
    responses: responses({ 200: ['The ring this node routes by.', Ring] }),
  },
  locate: {
    summary: 'Where a key lives',
    tags: ['cluster'],
    parameters: [keyPathParameter],
    responses: responses({ 200: ['The key’s replicas and where writes go now.', Location], 400: ['Malformed key.', schemas.Error] }),
  },
  events: {
    summary: 'This node’s recent log events (member state changes, repairs, hint deliveries...)',
    description:
      'The last 1,000 events this node logged at info level or above, kept in memory, ascending by `seq`. `after` (exclusive, default 0) and `limit` (1..1000, default 100) page through them; poll with `after` set to the previous answer’s `next`. Events older than the buffer are gone; the log has them.',
    tags: ['cluster'],
    parameters: [
      { name: 'after', in: 'query', required: false, description: 'Return events with a larger seq.', schema: { type: 'integer', minimum: 0 } },
      { name: 'limit', in: 'query', required: false, description: 'At most this many events.', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
    ],
    responses: responses({ 200: ['Events after `after`, oldest first.', EventsSchema], 400: ['`after` or `limit` is not an integer in range, or was given twice.', schemas.Error] }),
  },
  explain: {
    summary: 'Explain a key: its replicas, the version each holds right now, hints pending, agreement',
    description:
      'Asks each of the key’s home replicas and stand-ins for the version in its own store (no read repair: this changes nothing), and every reachable member for the hints it holds for the key. A replica that cannot answer within the quorum deadline is `reachable: false`.',
    tags: ['cluster'],
    parameters: [keyPathParameter],
    responses: responses({ 200: ['Where the key lives and what each replica holds.', ExplanationSchema], 400: ['Malformed key.', schemas.Error] }),
  },
  local: {
    summary: 'This node’s own copy of a key, tombstones included',
    description: 'Reads only this node’s store, without asking any replica: shows whether this node holds the key and at which version.',
    tags: ['cluster'],
    parameters: [keyPathParameter],
    responses: responses({
      200: ['The record in this node’s store.', LocalCopy],
      400: ['Malformed key.', schemas.Error],
      404: ['This node’s store holds nothing for the key.', schemas.Error],
    }),
  },
} satisfies Record<string, Partial<OpenAPIV3.OperationObject>>;
