// The membership messages in the daemon's wire registry: each survives a frame round trip, and a frame
// whose fields do not fit is refused before the protocol sees it.

import { describe, expect, test } from 'bun:test';
import { MessageType, peerMessages, type WireMessage } from '../wire';
import { registerMembershipMessages } from './membership-codecs';

registerMembershipMessages();
registerMembershipMessages(); // idempotent: a second call must not redefine the codes

const update = { nodeId: 'aaaaaaaaaaaaaaaa', name: 'n1', httpAddress: '10.0.0.1:7070', state: 'suspect', incarnation: 7, from: 'bbbbbbbbbbbbbbbb' };

describe('membership codecs', () => {
  const samples: WireMessage[] = [
    { type: 'membershipPing', sequence: 1, updates: [update], metadata: { keys: 12 } },
    { type: 'membershipAck', sequence: 1, updates: [], metadata: {} },
    { type: 'membershipNack', sequence: 9 },
    { type: 'membershipPingReq', sequence: 3, target: 'cccccccccccccccc', updates: [] },
    { type: 'membershipGossip', updates: [update] },
    { type: 'membershipPush', updates: [update], pullWanted: true },
  ];
  for (const message of samples) {
    test(`${message.type} survives a round trip`, () => {
      const decoded = peerMessages.decode(peerMessages.encode(message));
      expect(decoded.ok && decoded.message).toEqual(message);
    });
  }

  test('a ping with a malformed update is refused', () => {
    const body = new TextEncoder().encode(JSON.stringify({ sequence: 1, updates: [{ ...update, state: 'zombie' }], metadata: {} }));
    const frame = new Uint8Array([MessageType.membershipPing >> 8, MessageType.membershipPing & 0xff, ...body]);
    const decoded = peerMessages.decode(frame);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.reason).toBe('invalid_fields');
  });
});
