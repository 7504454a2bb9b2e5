// Helpers for the codec suites of replication's messages: a round trip through the daemon's registry,
// and raw frames as a misbehaving peer could send them.

import { peerMessages, type WireMessage } from '../wire';

const utf8 = new TextEncoder();

export function roundTrip(message: WireMessage): WireMessage {
  const decoded = peerMessages.decode(peerMessages.encode(message));
  if (!decoded.ok) throw new Error(`refused: ${decoded.reason} ${decoded.detail}`);
  return decoded.message;
}

/** A frame with the type's code and arbitrary fields. */
export function rawFrame(code: number, fields: unknown): Uint8Array {
  const body = utf8.encode(JSON.stringify(fields));
  const frame = new Uint8Array(2 + body.byteLength);
  frame[0] = code >> 8;
  frame[1] = code & 0xff;
  frame.set(body, 2);
  return frame;
}
