// Helpers for the codec suites of replication's messages: a round trip through the daemon's registry,
// and raw frames as a misbehaving peer could send them.

import { COMPACT_ENVELOPE_PROTOCOL_VERSION, compactEncoding, MessageType, peerMessages, type CompactState, type WireMessage } from '../wire';

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

/**
 * A round trip of a request body in protocol version 2's compact envelope; throws unless the frame
 * really is compact (envelope code 6) and decodes to a request around an equal body.
 */
export function roundTripCompact(body: WireMessage): WireMessage {
  const frame = peerMessages.encode({ type: 'rpcRequest', requestId: 7, body }, COMPACT_ENVELOPE_PROTOCOL_VERSION);
  if (((frame[0]! << 8) | frame[1]!) !== MessageType.rpcRequestCompact) throw new Error(`${body.type} was not sent compact`);
  const decoded = peerMessages.decode(frame);
  if (!decoded.ok) throw new Error(`refused: ${decoded.reason} ${decoded.detail}`);
  if (decoded.message.type !== 'rpcRequest' || decoded.message.requestId !== 7) throw new Error('not the request sent');
  return decoded.message.body as WireMessage;
}

/** A compact request envelope with arbitrary body bytes, as a misbehaving peer could send it. */
export function compactRequestFrame(requestId: number, bodyCode: number, body: Uint8Array): Uint8Array {
  const state: CompactState = { start: 0, end: 2, buffer: null };
  compactEncoding.uint.preencode(state, requestId);
  state.end += 2 + body.byteLength;
  const frame = new Uint8Array(state.end);
  frame[1] = MessageType.rpcRequestCompact;
  state.buffer = frame;
  state.start = 2;
  compactEncoding.uint.encode(state, requestId);
  compactEncoding.uint16.encode(state, bodyCode);
  frame.set(body, state.start);
  return frame;
}

/** Compact fields in order: strings length-prefixed UTF-8, numbers as compact uints, byte arrays as they are. */
export function compactBytes(...fields: Array<string | number | Uint8Array>): Uint8Array {
  const state: CompactState = { start: 0, end: 0, buffer: null };
  const each = (visit: { string: (text: string) => void; number: (value: number) => void; bytes: (raw: Uint8Array) => void }) => {
    for (const field of fields) {
      if (typeof field === 'string') visit.string(field);
      else if (typeof field === 'number') visit.number(field);
      else visit.bytes(field);
    }
  };
  each({ string: (text) => compactEncoding.utf8.preencode(state, text), number: (value) => compactEncoding.uint.preencode(state, value), bytes: (raw) => (state.end += raw.byteLength) });
  state.buffer = new Uint8Array(state.end);
  each({
    string: (text) => compactEncoding.utf8.encode(state, text),
    number: (value) => compactEncoding.uint.encode(state, value),
    bytes: (raw) => {
      state.buffer!.set(raw, state.start);
      state.start += raw.byteLength;
    },
  });
  return state.buffer;
}
