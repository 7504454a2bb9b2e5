// Round trips and refusals of the anti-entropy codecs, through the daemon's wire registry.

import { describe, expect, test } from 'bun:test';
import { MessageType, peerMessages, type WireMessage } from '../wire';
import './anti-entropy-messages';
import { rawFrame, roundTrip } from './codec-round-trip.test-harness';

const VERSION = '019ab3f4c2d1.0000.8c1f0e5a2b7d4c93';
const A = '0123456789abcdef';
const B = 'fedcba9876543210';

describe('anti-entropy message codecs', () => {
  test('the codes are appended after the replica messages, never reused', () => {
    expect([MessageType.antiEntropyDigestRequest, MessageType.antiEntropyDigests, MessageType.antiEntropyKeysRequest, MessageType.antiEntropyKeys]).toEqual([70, 71, 72, 73]);
  });

  const samples: WireMessage[] = [
    { type: 'antiEntropyDigestRequest', intervals: [{ start: A, end: B }, { start: B, end: B }] },
    { type: 'antiEntropyDigests', digests: [{ hash: '0000000000000000', count: 0 }, { hash: 'ffffffffffffffff', count: 4_294_967_295 }] },
    { type: 'antiEntropyDigests', digests: [] },
    { type: 'antiEntropyKeysRequest', interval: { start: B, end: A }, limit: 1000 },
    { type: 'antiEntropyKeys', entries: [{ key: 'ключ 🗝', version: VERSION }], truncated: false },
    { type: 'antiEntropyKeys', entries: [], truncated: true },
  ];
  for (const message of samples) {
    test(`${message.type} ${JSON.stringify(message).slice(0, 60)} survives a round trip`, () => {
      expect(roundTrip(message)).toEqual(message);
    });
  }

  const interval = { start: A, end: B };
  const refused: [string, number, unknown][] = [
    ['a digest request without intervals', 70, { intervals: [] }],
    ['a digest request over 64 intervals', 70, { intervals: Array.from({ length: 65 }, () => interval) }],
    ['a position of 15 digits', 70, { intervals: [{ start: A.slice(1), end: B }] }],
    ['an upper-case position', 70, { intervals: [{ start: A.toUpperCase(), end: B }] }],
    ['a position that is a number', 70, { intervals: [{ start: 5, end: B }] }],
    ['over 64 digests', 71, { digests: Array.from({ length: 65 }, () => ({ hash: A, count: 1 })) }],
    ['a short hash', 71, { digests: [{ hash: 'abc', count: 1 }] }],
    ['a negative count', 71, { digests: [{ hash: A, count: -1 }] }],
    ['a fractional count', 71, { digests: [{ hash: A, count: 1.5 }] }],
    ['a count over 32 bits', 71, { digests: [{ hash: A, count: 2 ** 32 }] }],
    ['a keys request with limit 0', 72, { interval, limit: 0 }],
    ['a keys request over 1000', 72, { interval, limit: 1001 }],
    ['a keys request without an interval', 72, { limit: 10 }],
    ['over 1000 keys', 73, { entries: Array.from({ length: 1001 }, () => ({ key: 'k', version: VERSION })), truncated: false }],
    ['an empty key', 73, { entries: [{ key: '', version: VERSION }], truncated: false }],
    ['a key of 1,000 characters but 3,000 bytes', 73, { entries: [{ key: '€'.repeat(1000), version: VERSION }], truncated: false }],
    ['a malformed version', 73, { entries: [{ key: 'k', version: 'v1' }], truncated: false }],
    ['keys without truncated', 73, { entries: [] }],
  ];
  for (const [what, code, fields] of refused) {
    test(`refuses ${what}`, () => {
      const decoded = peerMessages.decode(rawFrame(code, fields));
      expect(decoded.ok).toBe(false);
      if (!decoded.ok) expect(decoded.reason).toBe('invalid_fields');
    });
  }
});
