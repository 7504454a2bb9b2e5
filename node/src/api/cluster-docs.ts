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
  stateAgeMs: Type.Number({ description: 'Milliseconds since this node saw the member’s state (or incarnation) last change.' }),
  why: Type.Union([Type.String(), Type.Null()], {
    description:
      'Why the member is in its state, in words, when this node knows: the failed probe that made it suspect (and the members asked to ping it), the suspicion that ran out, the member whose gossip said so, or the suspicion this node refuted. Null for states that explain themselves (a join, a leave).',
  }),
  incarnation: Type.Integer({ description: 'Raised by the member to refute a suspicion of its death.' }),
  heartbeatAgeMs: Type.Number({ description: 'Milliseconds since this node last heard from the member.' }),
  keyCount: Type.Union([Type.Integer(), Type.Null()], { description: 'Live keys in the member’s store, as it last reported.' }),
  ringDigest: Type.Union([Type.String(), Type.Null()], { description: 'Digest of the ring the member routes by, as it last reported.' }),
  clockOffsetMs: Type.Union([Type.Integer(), Type.Null()], {
    description:
      'How far the member’s wall clock is ahead of this node’s (negative: behind), in ms, from this node’s last reading (every second); for this node itself, how far its clock is from the median of its cluster’s. A node further than --max-clock-offset-ms from most of its peers refuses writes (503 unavailable, reason clock_offset). Null when not measured.',
  }),
  answerMs: Type.Union([Type.Number(), Type.Null()], {
    description: 'How long the member has lately taken to answer this node’s replica reads and writes: a moving average (ms, to 0.1). Null for this node itself, and when the member answered none in the last 10 s.',
  }),
  askedLast: Type.Boolean({ description: 'This node’s reads ask the member after a key’s other replicas: its answers are clearly slower than another member’s (at least 20 ms and 4 times).' }),
  self: Type.Boolean(),
});
const Clock = Type.Object(
  {
    offsetMs: Type.Union([Type.Integer(), Type.Null()], { description: 'How far this node’s clock is from the median of its cluster’s (ms); null until a peer was measured.' }),
    maxOffsetMs: Type.Integer({ description: '--max-clock-offset-ms; 0: no bound.' }),
    synchronized: Type.Boolean({ description: 'False while this node is further than the bound from most of its peers’ clocks: it refuses to coordinate writes (503 unavailable, reason clock_offset).' }),
  },
  { description: 'Null on a standalone node: it has no peers to measure.' },
);
const Ring = Type.Object({
  digest: Type.String({ description: 'Equal on every node once membership has converged.' }),
  replicationFactor: Type.Integer(),
  tokensPerNode: Type.Integer(),
  members: Type.Array(Type.String()),
  ranges: Type.Array(Type.Object({ start: Type.String(), end: Type.String(), replicas: Type.Array(Type.String()) })),
  jointRings: Type.Array(Type.String(), {
    description: 'Digests of the other rings writes must also meet a quorum in while the ring changes (a joiner’s join ring, the ring without leaving members, the previous ring for its grace); empty when the ring is stable.',
  }),
});
const NodeFlow = Type.Object({
  nodeId: Type.String(),
  name: Type.String({ description: 'The member’s name; `what-if-1`, `what-if-2`... for added nodes.' }),
  placeholder: Type.Boolean({ description: 'True for a node that exists only in this question.' }),
  keysSent: Type.Integer(),
  keysReceived: Type.Integer(),
  bytesSent: Type.Integer(),
  bytesReceived: Type.Integer(),
  keysReleased: Type.Integer({ description: 'Copies it would no longer own: deleted by clean-up once their new owners hold them.' }),
});
const RingSize = Type.Object({ members: Type.Integer(), replicationFactor: Type.Integer({ description: 'N, capped by the ring’s size.' }) });
const WhatIf = Type.Object({
  ringDigest: Type.String({ description: 'The ring the prediction starts from.' }),
  before: RingSize,
  after: RingSize,
  added: Type.Array(Type.String(), { description: 'Placeholder node ids of the added nodes: deterministic, derived from the ring digest.' }),
  removed: Type.Array(Type.String(), { description: 'Node ids of the removed members.' }),
  share: Type.Number({ description: 'Fraction (0..1) of the key space whose replica set would change, exact for these ids.' }),
  expectedShare: Type.Number({ description: 'Mean of that fraction over `idSamples` draws of random ids for the added nodes: the prediction for a real join.' }),
  shareStdDev: Type.Number({ description: 'Standard deviation of the share over those draws: how far one real join may stray.' }),
  idSamples: Type.Integer({ description: 'Draws of random ids; 0 when no node is added (the share is then exact).' }),
  keys: Type.Object({
    total: Type.Integer({ description: 'Distinct keys in the cluster, estimated from the key counts members gossip.' }),
    changing: Type.Integer({ description: 'Keys whose replica set would change.' }),
    copiesMoved: Type.Integer({ description: 'Copies streamed to new owners (a key may gain more than one).' }),
    withoutSource: Type.Integer({ description: 'Copies no live current replica could send.' }),
    reportedBy: Type.Integer({ description: 'Members whose key count the estimate uses.' }),
  }),
  bytesPerKey: Type.Number({ description: 'This node’s store bytes per record, used for every member.' }),
  nodes: Type.Array(NodeFlow),
  rate: Type.Object({
    keysPerSecond: Type.Integer(),
    source: Type.Union([Type.Literal('measured'), Type.Literal('default')], { description: '`measured`: swarmkv_rebalance_keys_streamed_total while it rose on this node; `default`: no transfer seen yet, an assumed rate.' }),
  }),
  estimatedSeconds: Type.Number({ description: 'The busiest node’s larger of keys sent and received, over the rate.' }),
  notes: Type.Array(Type.String(), { description: 'What the figures assume, in words.' }),
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
  startedAt: Type.String({ format: 'date-time', description: 'When this process began keeping events: it changes when the node restarts, and its `seq` starts again at 1, so a poller then reads from `after=0`.' }),
  events: Type.Array(
    Type.Object({
      seq: Type.Integer({ description: 'Increases by one per event this process logged; starts again at 1 when it restarts.' }),
      time: Type.String({ format: 'date-time' }),
      event: Type.String({ description: 'The log event’s name, e.g. `membership.member_changed`, `hints.delivered`, `repair.pass_completed`.' }),
      level: Type.Union([Type.Literal('info'), Type.Literal('warn'), Type.Literal('error')]),
      text: Type.String({ description: 'The event in words, as `swarmkv up`’s pretty log line says it (`node-7072 is suspect (incarnation 3: probes went unanswered)`); an event without a sentence reads as its name and fields. At most 500 characters.' }),
      tone: Type.Union([Type.Literal('plain'), Type.Literal('good'), Type.Literal('doubt'), Type.Literal('bad')], { description: 'How the event reads: calm, good news (a member back, hints delivered), doubtful (a suspicion, a fault injected), bad (a member dead, a failure).' }),
      topic: Type.String({
        description:
          'What the event is about, from the first word of its name: `membership` (alive, suspect, dead, clocks), `ring` (joins, leaves, removals, streamed ranges), `replication` (hints, repair, tombstones), `chaos` (faults injected), `transport` (the DHT, links between members) or `node` (the process: start, stop, storage, HTTP errors, tokens).',
      }),
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
  pending: Type.Integer({ description: 'Hints this node holds, not delivered yet: as a stand-in for replicas down when written to, and as coordinator for replicas that failed a write others acknowledged.' }),
  bytes: Type.Integer({ description: 'Bytes those hints occupy (bounded by --hint-bytes-max).' }),
  byTarget: Type.Array(Type.Object({ nodeId: Type.String(), count: Type.Integer() }), { description: 'Pending hints per node they are owed to, largest first.' }),
  overflowed: Type.Integer({ description: 'Hints refused since start because the hint store was full (a stand-in fails that write; a coordinator leaves the missed copy to repair).' }),
  delivered: Type.Integer({ description: 'Hints delivered and acknowledged since start.' }),
  missed: Type.Integer({ description: 'Hints kept since start as coordinator, for replicas that failed a write their co-replicas acknowledged.' }),
});
const MemberChanges = Type.Object({
  changes: Type.Array(
    Type.Object({
      state: State,
      by: Type.Union([Type.Literal('probe'), Type.Literal('timeout'), Type.Literal('gossip'), Type.Literal('refutation'), Type.Literal('none')], {
        description: 'Why: this node’s probe failed, its suspicion ran out, another member said so by gossip, this node refuted a suspicion of itself, or none (a join, a return, a leave).',
      }),
      count: Type.Integer(),
    }),
    { description: 'Every member change this node has seen since start, by the state a member went to and why (as swarmkv_membership_changes_total). Empty on a standalone node.' },
  ),
});
const ClusterHealth = Type.Object({
  nodeId: Type.String(),
  hints: HintHealth,
  repair: RepairStatusSchema,
  membership: MemberChanges,
});

export const clusterDocs = {
  health: {
    summary: 'This node’s background work for the cluster: hinted handoff and anti-entropy',
    description: 'One section per background process. `hints`: writes this node keeps as a stand-in for replicas that were down, until it delivers them. `repair`: the anti-entropy pass in progress and the last completed one (as GET /cluster/repair). `membership`: the failure detector’s record, every member change this node has seen since start by state and cause.',
    tags: ['cluster'],
    responses: responses({ 200: ['This node’s hint backlog and counters, and its repair status.', ClusterHealth] }),
  },
  members: {
    summary: 'Cluster members as this node sees them',
    tags: ['cluster'],
    responses: responses({ 200: ['Every member this node knows, itself included, and this node’s clock against its cluster’s.', Type.Object({ members: Type.Array(Member), clock: Type.Union([Clock, Type.Null()]) })] }),
  },
  ring: {
    summary: 'The consistent-hash ring: ranges and their replica sets',
    tags: ['cluster'],
    responses: responses({ 200: ['The ring this node routes by.', Ring] }),
  },
  whatIf: {
    summary: 'Predict a ring change: the share of keys that would move, keys and bytes per node, time',
    description:
      'Computed from the ring this node routes by; changes nothing. `add=N` adds N hypothetical nodes (placeholder ids), `remove=NODE` (node id or name, repeatable) removes members; both may be combined. The share is exact for the ids used; an added node’s real id places its tokens elsewhere, so `expectedShare` ± `shareStdDev` is the prediction for a real join. A standalone node answers 409.',
    tags: ['cluster'],
    parameters: [
      { name: 'add', in: 'query', required: false, description: 'Hypothetical nodes to add (0..64).', schema: { type: 'integer', minimum: 0, maximum: 64 } },
      { name: 'remove', in: 'query', required: false, description: 'A member to remove, by node id or name; repeat for several.', schema: { type: 'array', items: { type: 'string' } }, style: 'form', explode: true },
    ],
    responses: responses({
      200: ['What the change would move.', WhatIf],
      400: ['Neither add nor remove, add out of range or repeated, an unknown parameter, a member not on the ring, or removing every member.', schemas.Error],
      409: ['This node runs standalone: it has no ring to change.', schemas.Error],
    }),
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
