// OpenAPI descriptions of the chaos routes (docs/chaos.md): served only by a node started with
// --chaos, admin only when tokens are enforced.

import { Type } from '@sinclair/typebox';
import { CHAOS_DELAY_MS_MAX, CHAOS_EVENTS_KEPT_MAX, CHAOS_PARTITION_MS_MAX, CHAOS_PARTITION_PEERS_MAX, CHAOS_PAUSE_MS_MAX, CHAOS_RESTART_AFTER_MS_MAX, CHAOS_RUN_CHARS_MAX, CHAOS_SKEW_MS_MAX } from '../limits';
import { CHAOS_FAULT_KINDS } from '../chaos';
import { jsonRequestBody, responses, schemas } from './openapi-schemas';

const Run = Type.Optional(Type.String({ minLength: 1, maxLength: CHAOS_RUN_CHARS_MAX, description: 'The label of the scenario run causing this fault; its events carry it.' }));
const Peer = Type.Object({ nodeId: Type.String(), name: Type.String() });
const ChaosEventSchema = Type.Object({
  atMs: Type.Integer({ description: 'Real time (not the skewed clock), ms since the epoch.' }),
  kind: Type.Union(CHAOS_FAULT_KINDS.map((kind) => Type.Literal(kind))),
  peers: Type.Optional(Type.Array(Type.String(), { description: 'Names of the peers partitioned, healed or delayed.' })),
  durationMs: Type.Optional(Type.Integer()),
  offsetMs: Type.Optional(Type.Integer()),
  delayMs: Type.Optional(Type.Integer({ description: 'A delay set on the links to `peers` (0: lifted).' })),
  jitterMs: Type.Optional(Type.Integer()),
  restartAfterMs: Type.Optional(Type.Integer({ description: 'A kill that asked the supervisor to restart the node this long after it died.' })),
  run: Type.Optional(Type.String()),
});
export const ChaosStateSchema = Type.Object({
  enabled: Type.Literal(true),
  nodeId: Type.String(),
  name: Type.String(),
  clockOffsetMs: Type.Integer({ description: 'How far this node’s clock runs off real time.' }),
  partition: Type.Object({
    peers: Type.Array(Peer, { description: 'The peers every message to and from is dropped.' }),
    untilMs: Type.Union([Type.Integer(), Type.Null()], { description: 'When the partition heals by itself (real time), or null.' }),
  }),
  delayed: Type.Array(
    Type.Object({
      nodeId: Type.String(),
      name: Type.String(),
      delayMs: Type.Integer({ description: 'Every message this node sends the peer is held this long before it leaves.' }),
      jitterMs: Type.Integer({ description: 'Plus a uniform draw of up to this much more per message; messages still leave in order.' }),
      untilMs: Type.Union([Type.Integer(), Type.Null()], { description: 'When the delay lifts by itself (real time), or null.' }),
    }),
    { description: 'The peers whose links from this node are slow.' },
  ),
  pausedUntilMs: Type.Union([Type.Integer(), Type.Null()]),
  supervised: Type.Boolean({ description: 'Whether a kill may ask the supervisor (`swarmkv up`, `--supervised`) to restart this node on its data; false on a `--memory` node.' }),
  events: Type.Array(ChaosEventSchema, { description: `Chaos events, oldest first; the last ${CHAOS_EVENTS_KEPT_MAX} are kept.` }),
});

const Peers = Type.Array(Type.String(), { minItems: 1, maxItems: CHAOS_PARTITION_PEERS_MAX, description: 'Node ids or names of current members.' });
const disabled = ['This node was started without `--chaos`: `chaos_disabled`.', schemas.Error] as const;
const badBody = ['A body with an unknown field, a wrong type or a number out of range: `invalid_body` naming the field.', schemas.Error] as const;
const tags = ['chaos'];

export const chaosDocs = {
  state: {
    summary: 'This node’s injected faults and chaos events',
    tags,
    responses: responses({ 200: ['The fault state.', ChaosStateSchema], 404: disabled }),
  },
  partition: {
    summary: 'Partition this node from some peers',
    description: 'Drops every peer message to and from these peers, both ways, reconnects included, until healed (or for `durationMs`). Adds to an existing partition; the latest request sets when it heals by itself.',
    tags,
    requestBody: jsonRequestBody(Type.Object({ peers: Peers, durationMs: Type.Optional(Type.Integer({ minimum: 1, maximum: CHAOS_PARTITION_MS_MAX })), run: Run }, { additionalProperties: false }), 'The peers to cut off.'),
    responses: responses({ 200: ['The fault state.', ChaosStateSchema], 400: ['`invalid_body`, or `unknown_peer` naming the peers no member answers to.', schemas.Error], 404: disabled }),
  },
  delay: {
    summary: 'Slow the links from this node to some peers',
    description: `Holds every peer message this node sends to these peers \`delayMs\` before it leaves, plus a uniform draw of up to \`jitterMs\` more per message (messages still leave in order), for \`durationMs\` or until lifted or healed; \`delayMs\` 0 lifts it. Replaces the delay those peers had. Delay plus jitter is at most ${CHAOS_DELAY_MS_MAX} ms; a peer's held messages are bounded in bytes, and past that bound they are dropped and counted, as a congested link drops.`,
    tags,
    requestBody: jsonRequestBody(
      Type.Object({
        peers: Peers,
        delayMs: Type.Integer({ minimum: 0, maximum: CHAOS_DELAY_MS_MAX }),
        jitterMs: Type.Optional(Type.Integer({ minimum: 0, maximum: CHAOS_DELAY_MS_MAX })),
        durationMs: Type.Optional(Type.Integer({ minimum: 1, maximum: CHAOS_PARTITION_MS_MAX })),
        run: Run,
      }, { additionalProperties: false }),
      'The peers and the delay.',
    ),
    responses: responses({ 200: ['The fault state.', ChaosStateSchema], 400: ['`invalid_body`, or `unknown_peer` naming the peers no member answers to.', schemas.Error], 404: disabled }),
  },
  heal: {
    summary: 'Heal a partition and lift delays',
    description: 'Heals the links to the peers named, or to every one without a body: messages to and from them pass again, and leave without delay.',
    tags,
    requestBody: { ...jsonRequestBody(Type.Object({ peers: Type.Optional(Peers), run: Run }, { additionalProperties: false }), 'Optional: the peers to heal.'), required: false },
    responses: responses({ 200: ['The fault state.', ChaosStateSchema], 400: ['`invalid_body`, or `unknown_peer`.', schemas.Error], 404: disabled }),
  },
  pause: {
    summary: 'Stop this node’s event loop for a while',
    description: 'Once the answer is written, the node stops for `durationMs` (a stop-the-world pause, as a long GC or SIGSTOP): no heartbeats, no peer messages, no HTTP. Then it resumes and logs it.',
    tags,
    requestBody: jsonRequestBody(Type.Object({ durationMs: Type.Integer({ minimum: 1, maximum: CHAOS_PAUSE_MS_MAX }), run: Run }, { additionalProperties: false }), 'How long to stop.'),
    responses: responses({ 202: ['The pause starts once this is written.', Type.Object({ pausedUntilMs: Type.Integer() })], 400: badBody, 404: disabled }),
  },
  skew: {
    summary: 'Skew this node’s clock',
    description: 'Every time read of the node (hybrid logical clock, `updatedAt`, ...) runs `offsetMs` off real time from now on; 0 restores it.',
    tags,
    requestBody: jsonRequestBody(Type.Object({ offsetMs: Type.Integer({ minimum: -CHAOS_SKEW_MS_MAX, maximum: CHAOS_SKEW_MS_MAX }), run: Run }, { additionalProperties: false }), 'The offset from real time.'),
    responses: responses({ 200: ['The fault state.', ChaosStateSchema], 400: badBody, 404: disabled }),
  },
  kill: {
    summary: 'Kill this node’s process (SIGKILL)',
    description: 'Once the answer is written, the process sends itself SIGKILL: no leave, no graceful close, as `kill -9`. With `restartAfterMs`, its supervisor (`swarmkv up`) starts it again on its data that long after it died; a node without one (`--supervised`), or a `--memory` node, refuses that with 409 `conflict`.',
    tags,
    requestBody: {
      ...jsonRequestBody(Type.Object({
        restartAfterMs: Type.Optional(Type.Integer({ minimum: 0, maximum: CHAOS_RESTART_AFTER_MS_MAX, description: 'Ask the supervisor to restart the node this long after it died.' })),
        run: Run,
      }, { additionalProperties: false }), 'Optional.'),
      required: false,
    },
    responses: responses({
      202: ['The process dies once this is written.', Type.Object({ killedAtMs: Type.Integer(), restartAfterMs: Type.Optional(Type.Integer()) })],
      400: badBody,
      404: disabled,
      409: ['`restartAfterMs` on a node no supervisor restarts, or on a `--memory` node: `conflict`.', schemas.Error],
    }),
  },
};
