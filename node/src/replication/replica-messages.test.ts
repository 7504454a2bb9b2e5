// Round trips and refusals of the replica protocol's codecs, through the daemon's wire registry.

import { describe, expect, test } from 'bun:test';
import { peerMessages, type WireMessage } from '../wire';
import './replica-messages';
import { rawFrame, roundTrip } from './codec-round-trip.test-harness';

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
