import { describe, expect, test } from 'bun:test';
import { INCARNATION_MAX, METADATA_ENTRIES_MAX, PIGGYBACK_UPDATES_MAX, PUSH_UPDATES_MAX } from './membership-limits';
import { MEMBERSHIP_MESSAGE_TYPES, membershipMessageParsers, parseMemberUpdate, parseMembershipMessage, parseMetadata, type MembershipMessage } from './messages';

const UPDATE = { nodeId: '0123456789abcdef', name: 'node-1', httpAddress: '127.0.0.1:7070', state: 'suspect', incarnation: 1_700_000_000_000, from: 'fedcba9876543210' };

const VALID: MembershipMessage[] = [
  { type: 'membershipPing', sequence: 1, updates: [UPDATE as never], metadata: { keys: 10, role: 'x', ready: true } },
  { type: 'membershipAck', sequence: 2 ** 31 - 1, updates: [], metadata: {} },
  { type: 'membershipNack', sequence: 0 },
  { type: 'membershipPingReq', sequence: 3, target: '0123456789abcdef', updates: [] },
  { type: 'membershipGossip', updates: [UPDATE as never] },
  { type: 'membershipPush', updates: Array.from({ length: PUSH_UPDATES_MAX }, () => UPDATE as never), pullWanted: true },
];

describe('membership message validators', () => {
  test('every message type has a validator and a round-trip case', () => {
    expect([...new Set(VALID.map((message) => message.type))].sort()).toEqual([...MEMBERSHIP_MESSAGE_TYPES].sort());
  });

  test.each(VALID.map((message) => [message.type, message] as const))('%s survives a JSON round trip unchanged', (_, message) => {
    expect(parseMembershipMessage(JSON.parse(JSON.stringify(message)))).toEqual(message);
    expect(membershipMessageParsers[message.type](message)).toEqual(message as never);
  });

  test('unknown fields are dropped, not passed on', () => {
    expect(parseMembershipMessage({ type: 'membershipNack', sequence: 1, extra: 'x' })).toEqual({ type: 'membershipNack', sequence: 1 });
    expect(parseMemberUpdate({ ...UPDATE, extra: 1 })).toEqual(UPDATE as never);
  });

  const tooMany = (count: number) => Array.from({ length: count }, () => UPDATE);
  test.each([
    ['not an object', 'ping'],
    ['null', null],
    ['an array', []],
    ['an unknown type', { type: 'membership.pong', sequence: 1 }],
    ['a type of another parser', { ...VALID[2], type: 'membershipAck' }],
    ['a fractional sequence', { type: 'membershipNack', sequence: 1.5 }],
    ['a negative sequence', { type: 'membershipNack', sequence: -1 }],
    ['a string sequence', { type: 'membershipNack', sequence: '1' }],
    ['a sequence beyond 2^31-1', { type: 'membershipNack', sequence: 2 ** 31 }],
    ['missing updates', { type: 'membershipPing', sequence: 1, metadata: {} }],
    ['missing metadata', { type: 'membershipPing', sequence: 1, updates: [] }],
    ['too many piggybacked updates', { type: 'membershipPing', sequence: 1, updates: tooMany(PIGGYBACK_UPDATES_MAX + 1), metadata: {} }],
    ['too many pushed updates', { type: 'membershipPush', updates: tooMany(PUSH_UPDATES_MAX + 1), pullWanted: false }],
    ['an empty gossip', { type: 'membershipGossip', updates: [] }],
    ['a non-boolean pullWanted', { type: 'membershipPush', updates: [], pullWanted: 1 }],
    ['a malformed target', { type: 'membershipPingReq', sequence: 1, target: 'NODE', updates: [] }],
    ['one malformed update among good ones', { type: 'membershipGossip', updates: [UPDATE, { ...UPDATE, state: 'zombie' }] }],
  ])('rejects %s', (_, input) => {
    expect(parseMembershipMessage(input)).toBeUndefined();
  });

  test.each([
    ['an uppercase node id', { nodeId: '0123456789ABCDEF' }],
    ['a short node id', { nodeId: '0123' }],
    ['a malformed from', { from: 42 }],
    ['a negative incarnation', { incarnation: -1 }],
    ['an absurd incarnation', { incarnation: INCARNATION_MAX + 1 }],
    ['a fractional incarnation', { incarnation: 1.5 }],
    ['an infinite incarnation', { incarnation: Infinity }],
    ['an empty name', { name: '' }],
    ['an oversized name', { name: 'n'.repeat(65) }],
    ['a name with control characters', { name: 'a\nb' }],
    ['an address without a port', { httpAddress: 'localhost' }],
    ['an address with a port beyond 65535', { httpAddress: 'localhost:70000' }],
    ['an unknown state', { state: 'zombie' }],
  ])('rejects an update with %s', (_, change) => {
    expect(parseMemberUpdate({ ...UPDATE, ...change })).toBeUndefined();
  });

  test.each([
    ['too many entries', Object.fromEntries(Array.from({ length: METADATA_ENTRIES_MAX + 1 }, (_, index) => [`k${index}`, index]))],
    ['a nested object', { nested: { a: 1 } }],
    ['a NaN', { keys: NaN }],
    ['an oversized string', { note: 'x'.repeat(257) }],
    ['a key with spaces', { 'a key': 1 }],
    ['an array', [1, 2]],
  ])('rejects metadata with %s', (_, metadata) => {
    expect(parseMetadata(metadata)).toBeUndefined();
  });
});
