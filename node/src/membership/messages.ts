// The membership protocol's wire messages and their validators. Each validator takes whatever a peer
// sent, after decoding, and returns a fresh object holding only the known fields, or undefined when
// anything does not fit: wrong types, out-of-range numbers, oversized lists or strings. They are plain
// `(unknown) => T | undefined` functions so the wire codec registry can call them before logic sees input.
// Unknown extra fields are dropped rather than refused, so a newer peer can add one without a new version.
// The shapes are type aliases, not interfaces, so that they fit the transport's PeerMessage (an object
// with an index signature) without casts.

import { MEMBER_STATES, type MemberMetadata, type MemberState, type MemberUpdate } from './member';
import {
  HTTP_ADDRESS_CHARS_MAX,
  INCARNATION_MAX,
  MEMBER_NAME_CHARS_MAX,
  METADATA_ENTRIES_MAX,
  METADATA_KEY_CHARS_MAX,
  METADATA_VALUE_CHARS_MAX,
  PIGGYBACK_UPDATES_MAX,
  PUSH_UPDATES_MAX,
  SEQUENCE_MAX,
} from './membership-limits';

/** "Are you there?" The receiver answers with an ack carrying the same sequence. */
export type PingMessage = {
  readonly type: 'membershipPing';
  readonly sequence: number;
  readonly updates: readonly MemberUpdate[];
  /** The sender's own metadata: first-hand, so it needs no incarnation. */
  readonly metadata: MemberMetadata;
};

export type AckMessage = {
  readonly type: 'membershipAck';
  readonly sequence: number;
  readonly updates: readonly MemberUpdate[];
  readonly metadata: MemberMetadata;
};

/** "I asked the target for you and heard nothing": lets the requester tell a dead target from its own slowness. */
export type NackMessage = {
  readonly type: 'membershipNack';
  readonly sequence: number;
};

/** "Please ping `target` for me": the receiver acks the requester's sequence if the target answers it. */
export type PingReqMessage = {
  readonly type: 'membershipPingReq';
  readonly sequence: number;
  readonly target: string;
  readonly updates: readonly MemberUpdate[];
};

/** Queued updates pushed to a few random members on the gossip tick (memberlist's gossip). */
export type GossipMessage = {
  readonly type: 'membershipGossip';
  readonly updates: readonly MemberUpdate[];
};

/** Part of a member table, sent on connect, periodically and on leave; `pullWanted` asks for ours back. */
export type PushMessage = {
  readonly type: 'membershipPush';
  readonly updates: readonly MemberUpdate[];
  readonly pullWanted: boolean;
};

export type MembershipMessage = PingMessage | AckMessage | NackMessage | PingReqMessage | GossipMessage | PushMessage;
export type MembershipMessageType = MembershipMessage['type'];

const NODE_ID_PATTERN = /^[0-9a-f]{16}$/;
const HTTP_ADDRESS_PATTERN = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;
const METADATA_KEY_PATTERN = /^[A-Za-z0-9_.-]+$/;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

type Fields = Record<string, unknown>;

function fieldsOf(input: unknown, type?: MembershipMessageType): Fields | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  const fields = input as Fields;
  return type === undefined || fields.type === type ? fields : undefined;
}

export function isNodeIdText(value: unknown): value is string {
  return typeof value === 'string' && NODE_ID_PATTERN.test(value);
}

export function isIncarnation(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= INCARNATION_MAX;
}

function isSequence(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= SEQUENCE_MAX;
}

function isText(value: unknown, charsMax: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= charsMax && !CONTROL_CHARACTERS.test(value);
}

function isHttpAddress(value: unknown): value is string {
  if (!isText(value, HTTP_ADDRESS_CHARS_MAX)) return false;
  const match = HTTP_ADDRESS_PATTERN.exec(value);
  return match !== null && Number(match[2]) <= 65535;
}

export function parseMemberUpdate(input: unknown): MemberUpdate | undefined {
  const fields = fieldsOf(input);
  if (!fields) return undefined;
  const { nodeId, name, httpAddress, state, incarnation, from } = fields;
  if (!isNodeIdText(nodeId) || !isNodeIdText(from) || !isIncarnation(incarnation)) return undefined;
  if (!isText(name, MEMBER_NAME_CHARS_MAX) || !isHttpAddress(httpAddress)) return undefined;
  if (!MEMBER_STATES.includes(state as MemberState)) return undefined;
  return { nodeId, name, httpAddress, state: state as MemberState, incarnation, from };
}

function parseUpdates(input: unknown, countMax: number): MemberUpdate[] | undefined {
  if (!Array.isArray(input) || input.length > countMax) return undefined;
  const updates: MemberUpdate[] = [];
  for (const entry of input) {
    const update = parseMemberUpdate(entry);
    if (!update) return undefined;
    updates.push(update);
  }
  return updates;
}

export function parseMetadata(input: unknown): MemberMetadata | undefined {
  const fields = fieldsOf(input);
  if (!fields) return undefined;
  const entries = Object.entries(fields);
  if (entries.length > METADATA_ENTRIES_MAX) return undefined;
  for (const [key, value] of entries) {
    if (key.length > METADATA_KEY_CHARS_MAX || !METADATA_KEY_PATTERN.test(key)) return undefined;
    const fits =
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value)) ||
      (typeof value === 'string' && value.length <= METADATA_VALUE_CHARS_MAX);
    if (!fits) return undefined;
  }
  return Object.fromEntries(entries) as MemberMetadata;
}

export function parsePing(input: unknown): PingMessage | undefined {
  const fields = fieldsOf(input, 'membershipPing');
  const updates = parseUpdates(fields?.updates, PIGGYBACK_UPDATES_MAX);
  const metadata = parseMetadata(fields?.metadata);
  if (!fields || !isSequence(fields.sequence) || !updates || !metadata) return undefined;
  return { type: 'membershipPing', sequence: fields.sequence, updates, metadata };
}

export function parseAck(input: unknown): AckMessage | undefined {
  const fields = fieldsOf(input, 'membershipAck');
  const updates = parseUpdates(fields?.updates, PIGGYBACK_UPDATES_MAX);
  const metadata = parseMetadata(fields?.metadata);
  if (!fields || !isSequence(fields.sequence) || !updates || !metadata) return undefined;
  return { type: 'membershipAck', sequence: fields.sequence, updates, metadata };
}

export function parseNack(input: unknown): NackMessage | undefined {
  const fields = fieldsOf(input, 'membershipNack');
  if (!fields || !isSequence(fields.sequence)) return undefined;
  return { type: 'membershipNack', sequence: fields.sequence };
}

export function parsePingReq(input: unknown): PingReqMessage | undefined {
  const fields = fieldsOf(input, 'membershipPingReq');
  const updates = parseUpdates(fields?.updates, PIGGYBACK_UPDATES_MAX);
  if (!fields || !isSequence(fields.sequence) || !isNodeIdText(fields.target) || !updates) return undefined;
  return { type: 'membershipPingReq', sequence: fields.sequence, target: fields.target, updates };
}

export function parseGossip(input: unknown): GossipMessage | undefined {
  const fields = fieldsOf(input, 'membershipGossip');
  const updates = parseUpdates(fields?.updates, PIGGYBACK_UPDATES_MAX);
  if (!fields || !updates || updates.length === 0) return undefined;
  return { type: 'membershipGossip', updates };
}

export function parsePush(input: unknown): PushMessage | undefined {
  const fields = fieldsOf(input, 'membershipPush');
  const updates = parseUpdates(fields?.updates, PUSH_UPDATES_MAX);
  if (!fields || typeof fields.pullWanted !== 'boolean' || !updates) return undefined;
  return { type: 'membershipPush', updates, pullWanted: fields.pullWanted };
}

/** One validator per message type, for the wire codec registry. */
export const membershipMessageParsers: { readonly [Type in MembershipMessageType]: (input: unknown) => Extract<MembershipMessage, { type: Type }> | undefined } = {
  'membershipPing': parsePing,
  'membershipAck': parseAck,
  'membershipNack': parseNack,
  'membershipPingReq': parsePingReq,
  'membershipGossip': parseGossip,
  'membershipPush': parsePush,
};

export const MEMBERSHIP_MESSAGE_TYPES = Object.keys(membershipMessageParsers) as MembershipMessageType[];

export function isMembershipMessageType(type: unknown): type is MembershipMessageType {
  return typeof type === 'string' && Object.hasOwn(membershipMessageParsers, type);
}

/** Any membership message, dispatched on its `type`. */
export function parseMembershipMessage(input: unknown): MembershipMessage | undefined {
  const type = fieldsOf(input)?.type;
  return isMembershipMessageType(type) ? membershipMessageParsers[type](input) : undefined;
}
