// Round trips and refusals of the replica protocol's codecs, through the daemon's wire registry.

import { describe, expect, test } from 'bun:test';
import { MessageType, peerMessages, type WireMessage } from '../wire';
import './replica-messages';
import { compactBytes, compactRequestFrame, rawFrame, roundTrip, roundTripCompact } from './codec-round-trip.test-harness';

const VERSION = '019ab3f4c2d1.0000.8c1f0e5a2b7d4c93';

describe('replica message codecs', () => {
  const samples: WireMessage[] = [
    { type: 'replicaRead', key: 'user:1' },
    { type: 'replicaRecord' },
    { type: 'replicaRecord', record: { key: 'k', deleted: false, valueJson: '{"a":"\\"quoted\\""}', version: VERSION, updatedAtMs: 1_700_000_000_000 } },
    { type: 'replicaRecord', record: { key: 'k', deleted: true, version: VERSION, updatedAtMs: 1 } },
    { type: 'replicaWrite', record: { key: 'ключ 🗝', deleted: false, valueJson: '[1,2,3]', version: VERSION, updatedAtMs: 5 } },
    { type: 'replicaWrite', record: { key: 'k', deleted: true, version: VERSION, updatedAtMs: 5 }, hintFor: '0123456789abcdef' },
    { type: 'replicaWriteAck', applied: false, version: VERSION },
    { type: 'replicaScan', prefix: 'user:', limit: 1000, includeTombstones: true },
    { type: 'replicaScan', prefix: '', afterKey: 'a', limit: 1, includeTombstones: false },
    { type: 'replicaScanPage', entries: [{ key: 'a', version: VERSION, updatedAtMs: 1, deleted: true }], resumeAfterKey: 'a' },
  ];
  for (const message of samples) {
    test(`${message.type} ${JSON.stringify(message).slice(0, 60)} survives a round trip`, () => {
      expect(roundTrip(message)).toEqual(message);
    });
  }

  const refused: [string, number, unknown][] = [
    ['a record whose value is not JSON', 66, { record: { key: 'k', deleted: false, valueJson: '{nope', version: VERSION, updatedAtMs: 1 } }],
    ['a live record without a value', 66, { record: { key: 'k', deleted: false, version: VERSION, updatedAtMs: 1 } }],
    ['a malformed version', 66, { record: { key: 'k', deleted: true, version: 'v1', updatedAtMs: 1 } }],
    ['an empty key', 64, { key: '' }],
    ['a key over the ceiling', 64, { key: 'x'.repeat(1901) }],
    ['a key of 1,000 characters but 3,000 bytes', 64, { key: '€'.repeat(1000) }],
    ['a negative time', 66, { record: { key: 'k', deleted: true, version: VERSION, updatedAtMs: -1 } }],
    ['a scan limit over 1000', 68, { prefix: '', limit: 1001, includeTombstones: false }],
    ['a scan page over 1000 entries', 69, { entries: Array.from({ length: 1001 }, () => ({ key: 'a', version: VERSION, updatedAtMs: 1, deleted: false })) }],
    ['an ack without a version', 67, { applied: true }],
    ['a hint for a malformed node id', 66, { record: { key: 'k', deleted: true, version: VERSION, updatedAtMs: 1 }, hintFor: 'not-a-node' }],
    ['a hint for an upper-case node id', 66, { record: { key: 'k', deleted: true, version: VERSION, updatedAtMs: 1 }, hintFor: '0123456789ABCDEF' }],
    ['a hint for a node id that is not a string', 66, { record: { key: 'k', deleted: true, version: VERSION, updatedAtMs: 1 }, hintFor: 7 }],
  ];
  for (const [what, code, fields] of refused) {
    test(`refuses ${what}`, () => {
      const decoded = peerMessages.decode(rawFrame(code, fields));
      expect(decoded.ok).toBe(false);
      if (!decoded.ok) expect(decoded.reason).toBe('invalid_fields');
    });
  }
});

describe('replica messages in compact envelopes (protocol version 2)', () => {
  const hot: WireMessage[] = [
    { type: 'replicaRead', key: 'user:1' },
    { type: 'replicaRead', key: 'ключ 🗝' },
    { type: 'replicaRecord' },
    { type: 'replicaRecord', record: { key: 'k', deleted: false, valueJson: '{"a":"\\"quoted\\""}', version: VERSION, updatedAtMs: 1_700_000_000_000 } },
    { type: 'replicaRecord', record: { key: 'k', deleted: true, version: VERSION, updatedAtMs: 0 } },
    { type: 'replicaWrite', record: { key: 'k', deleted: false, valueJson: '"' + 'x'.repeat(70_000) + '"', version: VERSION, updatedAtMs: 5 } },
    { type: 'replicaWrite', record: { key: 'k', deleted: true, version: VERSION, updatedAtMs: 5 }, hintFor: '0123456789abcdef' },
    { type: 'replicaWriteAck', applied: true, version: VERSION },
    { type: 'replicaWriteAck', applied: false, version: VERSION },
  ];
  for (const message of hot) {
    test(`${message.type} ${JSON.stringify(message).slice(0, 60)} survives a compact round trip`, () => {
      expect(roundTripCompact(message)).toEqual(message);
    });
  }

  test('a version-1 peer gets the JSON envelope; a body without a layout stays JSON at version 2', () => {
    const read = { type: 'rpcRequest', requestId: 3, body: { type: 'replicaRead', key: 'k' } };
    expect(peerMessages.encode(read, 1)[1]).toBe(MessageType.rpcRequest);
    const scan = { type: 'rpcRequest', requestId: 3, body: { type: 'replicaScan', prefix: '', limit: 1, includeTombstones: false } };
    expect(peerMessages.encode(scan, 2)[1]).toBe(MessageType.rpcRequest);
  });

  test('the compact form is smaller than the JSON form', () => {
    const write = { type: 'rpcRequest', requestId: 3, body: hot[5]! };
    const small = { type: 'rpcRequest', requestId: 3, body: { type: 'replicaWriteAck', applied: true, version: VERSION } };
    expect(peerMessages.encode(write, 2).byteLength).toBeLessThan(peerMessages.encode(write, 1).byteLength);
    expect(peerMessages.encode(small, 2).byteLength).toBeLessThan(peerMessages.encode(small, 1).byteLength / 2);
  });

  const { replicaRead: READ, replicaRecord: RECORD, replicaWrite: WRITE, replicaWriteAck: ACK, replicaScan: SCAN } = MessageType;
  const flags = (bits: number) => new Uint8Array([bits]);
  const notUtf8 = new Uint8Array([2, 0xc3, 0x28]);
  const refused: [string, Uint8Array][] = [
    ['a request id of zero', compactRequestFrame(0, READ, compactBytes('k'))],
    ['a body code without a layout', compactRequestFrame(1, SCAN, compactBytes('', 1, flags(0)))],
    ['an unknown body code', compactRequestFrame(1, 4242, compactBytes('k'))],
    ['an envelope as the body', compactRequestFrame(1, MessageType.rpcRequest, compactBytes('k'))],
    ['a truncated body', compactRequestFrame(1, READ, compactBytes(5, 'k'))],
    ['an empty body', compactRequestFrame(1, READ, new Uint8Array(0))],
    ['a byte after the last field', compactRequestFrame(1, READ, compactBytes('k', flags(0)))],
    ['a key that is not UTF-8', compactRequestFrame(1, READ, notUtf8)],
    ['an empty key', compactRequestFrame(1, READ, compactBytes(''))],
    ['a key of 1,000 characters but 3,000 bytes', compactRequestFrame(1, READ, compactBytes('€'.repeat(1000)))],
    ['a record whose value is not JSON', compactRequestFrame(1, WRITE, compactBytes('k', flags(0), VERSION, 1, '{nope'))],
    ['a record whose value is not UTF-8', compactRequestFrame(1, WRITE, compactBytes('k', flags(0), VERSION, 1, notUtf8))],
    ['a malformed version', compactRequestFrame(1, WRITE, compactBytes('k', flags(1), 'v1', 1))],
    ['a time beyond the year 10889', compactRequestFrame(1, WRITE, compactBytes('k', flags(1), VERSION, 2 ** 49))],
    ['unknown record flag bits', compactRequestFrame(1, WRITE, compactBytes('k', flags(0b101), VERSION, 1))],
    ['a hint for a malformed node id', compactRequestFrame(1, WRITE, compactBytes('k', flags(0b11), VERSION, 1, 'not-a-node'))],
    ['a hint flag in a record answer', compactRequestFrame(1, RECORD, compactBytes(flags(1), 'k', flags(0b11), VERSION, 1, '0123456789abcdef'))],
    ['an ack with unknown flag bits', compactRequestFrame(1, ACK, compactBytes(flags(2), VERSION))],
  ];
  for (const [what, frame] of refused) {
    test(`refuses ${what}`, () => {
      const decoded = peerMessages.decode(frame);
      expect(decoded.ok).toBe(false);
      if (!decoded.ok) expect(decoded.reason).toBe('invalid_fields');
    });
  }

  test('the crafted frames are well formed when their fields are', () => {
    const decoded = peerMessages.decode(compactRequestFrame(9, WRITE, compactBytes('k', flags(0), VERSION, 1, '[1]')));
    expect(decoded).toEqual({ ok: true, message: { type: 'rpcRequest', requestId: 9, body: { type: 'replicaWrite', record: { key: 'k', deleted: false, valueJson: '[1]', version: VERSION, updatedAtMs: 1 } } } });
  });
});
