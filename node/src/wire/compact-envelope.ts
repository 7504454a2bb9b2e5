// The binary RPC envelopes of protocol version 2. A request or response whose body type has a compact
// layout travels as
//
//   [envelope code: 2 bytes, big-endian] [requestId: compact uint] [body type code: uint16] [body layout]
//
// instead of as a JSON envelope around a JSON body: no JSON text is built, escaped, parsed or
// re-validated for the replica reads and writes that every client request sends. Decoding yields the
// same envelope object the JSON form gives (`{ type: 'rpcRequest', requestId, body }`), and the registry
// then checks it with the same codecs, so the layers above never know which form arrived.

import { assert } from '../assert';
import { compactEncoding as c, decodeWhole, type CompactLayout, type CompactState } from './compact-layout';
import { WireRejection } from './field-reader';
import { MessageType } from './message-type';

export type CompactEnvelopeType = 'rpcRequest' | 'rpcResponse';

/** Envelope code by envelope type, and back. */
export const COMPACT_ENVELOPE_CODES: Readonly<Record<CompactEnvelopeType, number>> = {
  rpcRequest: MessageType.rpcRequestCompact,
  rpcResponse: MessageType.rpcResponseCompact,
};
const ENVELOPE_BY_CODE = new Map<number, CompactEnvelopeType>(Object.entries(COMPACT_ENVELOPE_CODES).map(([type, code]) => [code, type as CompactEnvelopeType]));

const FRAME_HEADER_BYTES = 2;

export function isCompactEnvelopeCode(code: number): boolean {
  return ENVELOPE_BY_CODE.has(code);
}

/** A body type that has a binary layout. */
export interface CompactBodyType {
  readonly type: string;
  readonly code: number;
  readonly layout: CompactLayout;
}

/** The frame for an envelope around `body`, whose type has `bodyType`'s layout. */
export function encodeCompactEnvelope(envelope: CompactEnvelopeType, requestId: number, bodyType: CompactBodyType, body: Readonly<Record<string, unknown>>): Uint8Array {
  assert(Number.isSafeInteger(requestId) && requestId >= 1, 'a request id is a positive safe integer');
  const state: CompactState = { start: 0, end: FRAME_HEADER_BYTES, buffer: null };
  c.uint.preencode(state, requestId);
  c.uint16.preencode(state, bodyType.code);
  bodyType.layout.preencode(state, body);
  // A Buffer, not a bare Uint8Array: compact-encoding writes strings through Buffer methods and would
  // wrap a Uint8Array in a new Buffer for every field. Every byte is written below (asserted).
  const frame = Buffer.allocUnsafe(state.end);
  const code = COMPACT_ENVELOPE_CODES[envelope];
  frame[0] = code >> 8;
  frame[1] = code & 0xff;
  state.buffer = frame;
  state.start = FRAME_HEADER_BYTES;
  c.uint.encode(state, requestId);
  c.uint16.encode(state, bodyType.code);
  bodyType.layout.encode(state, body);
  assert(state.start === state.end, 'a compact layout writes exactly what it pre-encoded');
  return frame;
}

/**
 * The envelope's fields as a JSON envelope would hold them, unchecked beyond their bytes: the caller
 * runs them through the envelope's codec. Throws a WireRejection for bytes that do not parse.
 */
export function decodeCompactEnvelope(frame: Uint8Array, bodyTypeOf: (code: number) => CompactBodyType | undefined): { envelope: CompactEnvelopeType; fields: Record<string, unknown> } {
  const envelope = ENVELOPE_BY_CODE.get((frame[0]! << 8) | frame[1]!);
  assert(envelope !== undefined, 'decodeCompactEnvelope is given compact envelope frames only');
  return decodeWhole(frame, FRAME_HEADER_BYTES, (state) => {
    const requestId = c.uint.decode(state);
    const code = c.uint16.decode(state);
    const bodyType = bodyTypeOf(code);
    if (bodyType === undefined) throw new WireRejection(`body code ${code} has no compact layout`);
    // The layout's fields are a fresh object: the type is set on it rather than copied into another.
    const body = bodyType.layout.decode(state);
    body.type = bodyType.type;
    return { envelope, fields: { requestId, body } };
  });
}
