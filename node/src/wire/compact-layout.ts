// Binary layouts for the hot peer messages (protocol version 2), in compact-encoding: what a message's
// fields look like as bytes instead of JSON text. A layout only turns bytes into the same plain fields
// a JSON body would have held, refusing bytes that do not parse (short, trailing, not UTF-8, unknown
// flag bits); the message type's FieldReader codec then checks those fields exactly as it checks JSON
// ones, so the binary form is refused for everything the JSON form is refused for.

import b4a from 'b4a';
import { isUtf8 } from 'node:buffer';
import c, { type Encoding } from 'compact-encoding';
import { WireRejection } from './field-reader';

/** compact-encoding's cursor over a buffer. */
export interface CompactState {
  start: number;
  end: number;
  buffer: Uint8Array | null;
}

/** A message's fields as bytes: `decode` returns the raw fields for its FieldReader codec to check. */
export interface CompactLayout {
  preencode(state: CompactState, fields: Readonly<Record<string, unknown>>): void;
  encode(state: CompactState, fields: Readonly<Record<string, unknown>>): void;
  /** A new object each call: the envelope sets the message's type on it. */
  decode(state: CompactState): Record<string, unknown>;
}

/** A length-prefixed UTF-8 string; decoding refuses bytes that are not UTF-8 instead of replacing them. */
export const strictUtf8: Encoding<string> = {
  preencode: (state, text) => c.utf8.preencode(state, text),
  encode: (state, text) => c.utf8.encode(state, text),
  decode(state) {
    const cursor = state as CompactState;
    const bytes = c.uint.decode(cursor);
    if (cursor.end - cursor.start < bytes) throw new WireRejection('a string runs past the end of the frame');
    const view = cursor.buffer!.subarray(cursor.start, cursor.start + bytes);
    if (!isUtf8(view)) throw new WireRejection('a string is not UTF-8');
    cursor.start += bytes;
    return b4a.toString(view, 'utf8');
  },
};

/** A byte of flags; decoding refuses bits the layout does not define, so no field can hide in them. */
export function readFlags(state: CompactState, definedBits: number): number {
  const flags = c.uint8.decode(state);
  if ((flags & ~definedBits) !== 0) throw new WireRejection(`unknown flag bits ${flags.toString(2)}`);
  return flags;
}

/**
 * Runs `read` over bytes[start..end) and requires it to use every byte. compact-encoding throws plain
 * Errors when a frame is short; those become rejections too.
 */
export function decodeWhole<T>(bytes: Uint8Array, start: number, read: (state: CompactState) => T): T {
  const state: CompactState = { start, end: bytes.byteLength, buffer: bytes };
  let value: T;
  try {
    value = read(state);
  } catch (error) {
    if (error instanceof WireRejection) throw error;
    throw new WireRejection(error instanceof Error ? error.message : String(error));
  }
  if (state.start !== state.end) throw new WireRejection(`${state.end - state.start} bytes after the last field`);
  return value;
}

export { c as compactEncoding };
