// Round trips and refusals of the key-inspection codecs (GET /cluster/explain/{key}).

import { describe, expect, test } from 'bun:test';
import { MEMBERS_MAX } from '../membership';
import { MessageType, peerMessages, type WireMessage } from '../wire';
import { KEY_INSPECTION_HINTS_MAX } from './key-inspection-messages';
import { rawFrame, roundTrip } from './codec-round-trip.test-harness';

const VERSION = '019ab3f4c2d1.0000.8c1f0e5a2b7d4c93';
const TARGET = '0123456789abcdef';

test('an inspection may list one hint per member', () => {
  expect(KEY_INSPECTION_HINTS_MAX).toBe(MEMBERS_MAX);
});

describe('key inspection codecs', () => {
  const samples: WireMessage[] = [
    { type: 'keyInspect', key: 'ключ 🗝' },
    { type: 'keyInspection', hints: [] },
    { type: 'keyInspection', record: { version: VERSION, updatedAtMs: 1_700_000_000_000, deleted: false }, hints: [] },
    { type: 'keyInspection', record: { version: VERSION, updatedAtMs: 5, deleted: true }, hints: [{ target: TARGET, version: VERSION, updatedAtMs: 5, deleted: false }] },
  ];
  for (const message of samples) {
    test(`${message.type} ${JSON.stringify(message).slice(0, 60)} survives a round trip`, () => {
      expect(roundTrip(message)).toEqual(message);
    });
  }

  const hint = { target: TARGET, version: VERSION, updatedAtMs: 1, deleted: false };
  const refused: [string, number, unknown][] = [
    ['an empty key', MessageType.keyInspect, { key: '' }],
    ['a key of 1,000 characters but 3,000 bytes', MessageType.keyInspect, { key: '€'.repeat(1000) }],
    ['a malformed version', MessageType.keyInspection, { record: { version: 'v1', updatedAtMs: 1, deleted: false }, hints: [] }],
    ['a hint for a malformed node id', MessageType.keyInspection, { hints: [{ ...hint, target: 'not-a-node' }] }],
    ['more hints than members', MessageType.keyInspection, { hints: Array.from({ length: KEY_INSPECTION_HINTS_MAX + 1 }, () => hint) }],
    ['a negative time', MessageType.keyInspection, { hints: [{ ...hint, updatedAtMs: -1 }] }],
    ['no hints list', MessageType.keyInspection, {}],
  ];
  for (const [name, code, fields] of refused) {
    test(`refuses ${name}`, () => {
      const decoded = peerMessages.decode(rawFrame(code, fields));
      expect(decoded.ok).toBe(false);
      if (!decoded.ok) expect(decoded.reason).toBe('invalid_fields');
    });
  }
});
