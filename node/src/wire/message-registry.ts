// The registry of peer message codecs. A frame is two bytes of type code (big-endian) followed by the
// message's fields as compact UTF-8 JSON. Decoding checks, in order and before any logic sees the
// message: the size, the type code, UTF-8, JSON, and finally the fields with the type's codec. A frame
// that fails any step is refused with a reason the transport logs and counts; it never throws.
//
// From protocol version 2, requests and responses whose body type has a binary layout travel in
// compact envelopes instead (compact-envelope.ts): bytes in place of UTF-8 and JSON, then the same
// codecs. A peer gets them only once it negotiated version 2 (`encode`'s protocolVersion).

import { assert } from '../assert';
import { PEER_FRAME_ENVELOPE_BYTES_MAX, VALUE_BYTES_MAX_CEILING } from '../limits';
import { SwarmError } from '../errors';
import { defineCoreMessages } from './core-messages';
import { FieldReader, isPlainObject, WireRejection } from './field-reader';
import { MESSAGE_TYPE_CODE_MAX } from './message-type';
import { decodeCompactEnvelope, encodeCompactEnvelope, isCompactEnvelopeCode, type CompactBodyType, type CompactEnvelopeType } from './compact-envelope';
import type { CompactLayout } from './compact-layout';
import { COMPACT_ENVELOPE_PROTOCOL_VERSION, PROTOCOL_VERSION_MIN } from './protocol-version';

/**
 * The largest frame a peer may send or receive. A replicated value can be 1 MiB of JSON; embedded in a
 * message as JSON (not as an escaped string) it fits with its envelope and room to spare.
 */
export const PEER_MESSAGE_BYTES_MAX = 2 * VALUE_BYTES_MAX_CEILING + PEER_FRAME_ENVELOPE_BYTES_MAX;
const FRAME_HEADER_BYTES = 2;

/** A decoded peer message: `type` names its codec; the codec vouches for the other fields. */
export interface WireMessage {
  readonly type: string;
  readonly [field: string]: unknown;
}

export type RejectReason = 'oversize' | 'truncated' | 'unknown_type' | 'not_utf8' | 'not_json' | 'invalid_fields';

export type DecodeResult =
  | { readonly ok: true; readonly message: WireMessage }
  | { readonly ok: false; readonly reason: RejectReason; readonly detail: string; readonly type?: string };

/** A message type's codec, returned by `define`: `is` narrows a decoded message to its shape. */
export interface MessageCodec<T extends { readonly type: string }> {
  readonly type: T['type'];
  readonly code: number;
  is(message: WireMessage): message is WireMessage & T;
}

export interface MessageRegistryOptions {
  /** Default PEER_MESSAGE_BYTES_MAX; tests lower it to exercise the limit cheaply. */
  readonly messageBytesMax?: number;
}

interface Codec {
  readonly type: string;
  readonly code: number;
  readonly read: (fields: FieldReader) => Record<string, unknown>;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

export class MessageRegistry {
  readonly messageBytesMax: number;
  readonly #byCode = new Map<number, Codec>();
  readonly #byType = new Map<string, Codec>();
  /** Body types with a binary layout, by code: what a compact envelope may carry. */
  readonly #compactByCode = new Map<number, CompactBodyType>();
  readonly #compactByType = new Map<string, CompactBodyType>();
  readonly #compactBodyType = (code: number) => this.#compactByCode.get(code);
  readonly #readNested = (value: unknown, path: string): WireMessage => this.#readNestedMessage(value, path);

  /** A registry holding the transport's own messages (hello, request envelopes); add the rest with `define`. */
  constructor(options: MessageRegistryOptions = {}) {
    this.messageBytesMax = options.messageBytesMax ?? PEER_MESSAGE_BYTES_MAX;
    assert(Number.isInteger(this.messageBytesMax) && this.messageBytesMax > FRAME_HEADER_BYTES, 'messageBytesMax must fit a frame header');
    defineCoreMessages(this);
  }

  /**
   * Adds a message type. `read` is its codec: it reads each field through the FieldReader (which
   * throws on a missing or ill-typed field) and returns exactly the fields the message carries, in a
   * new object each call (the registry sets the message's type on it).
   * Declare `T` as a type alias, not an interface, so messages stay assignable to PeerMessage.
   * `layout`, for a hot request or response body: its binary form inside compact envelopes.
   */
  define<T extends { readonly type: string }>(type: T['type'], code: number, read: (fields: FieldReader) => Omit<T, 'type'>, layout?: CompactLayout): MessageCodec<T> {
    assert(Number.isInteger(code) && code >= 1 && code <= MESSAGE_TYPE_CODE_MAX, `message code ${code} out of range`);
    assert(!this.#byCode.has(code), `message code ${code} is already ${this.#byCode.get(code)?.type}`);
    assert(!this.#byType.has(type), `message type ${type} is already defined`);
    const codec: Codec = { type, code, read: read as (fields: FieldReader) => Record<string, unknown> };
    this.#byCode.set(code, codec);
    this.#byType.set(type, codec);
    if (layout !== undefined) {
      const compact: CompactBodyType = { type, code, layout };
      this.#compactByCode.set(code, compact);
      this.#compactByType.set(type, compact);
    }
    return { type, code, is: (message): message is WireMessage & T => message.type === type };
  }

  isDefined(type: string): boolean {
    return this.#byType.has(type);
  }

  /**
   * The frame for an outgoing message. Sending a message its own codec refuses is a programmer error
   * (an assertion); a message over the size limit is an operating one (payload_too_large).
   * `protocolVersion` is the one negotiated with the receiver: from 2 on, a request or response
   * whose body has a binary layout is sent in a compact envelope. Its fields are not re-read on the
   * way out: the layout writes typed fields, and the receiver's codec checks them as it checks JSON.
   */
  encode(message: WireMessage, protocolVersion = PROTOCOL_VERSION_MIN): Uint8Array {
    if (protocolVersion >= COMPACT_ENVELOPE_PROTOCOL_VERSION && (message.type === 'rpcRequest' || message.type === 'rpcResponse')) {
      const compact = this.#encodeCompact(message.type, message);
      if (compact !== undefined) return this.#checkedSize(message.type, compact);
    }
    const codec = this.#byType.get(message.type);
    assert(codec !== undefined, `no codec for outgoing message type ${message.type}`);
    const fields = this.#readOutgoing(codec, message);
    const body = utf8Encoder.encode(JSON.stringify(fields));
    const frameBytes = FRAME_HEADER_BYTES + body.byteLength;
    this.#checkedSize(message.type, { byteLength: frameBytes });
    const frame = new Uint8Array(frameBytes);
    frame[0] = codec.code >> 8;
    frame[1] = codec.code & 0xff;
    frame.set(body, FRAME_HEADER_BYTES);
    return frame;
  }

  /** Checks a received frame; every refusal comes back as a reason, never as an exception. */
  decode(frame: Uint8Array): DecodeResult {
    if (frame.byteLength > this.messageBytesMax) return refuse('oversize', `${frame.byteLength} bytes > ${this.messageBytesMax}`);
    if (frame.byteLength < FRAME_HEADER_BYTES) return refuse('truncated', `${frame.byteLength} bytes`);
    const code = (frame[0]! << 8) | frame[1]!;
    // Compact envelope codes are read as such whatever a registry defines under them (a fuzzer may).
    if (isCompactEnvelopeCode(code)) return this.#decodeCompact(frame);
    const codec = this.#byCode.get(code);
    if (codec === undefined) return refuse('unknown_type', `code ${code}`);
    let text: string;
    try {
      text = utf8Decoder.decode(frame.subarray(FRAME_HEADER_BYTES));
    } catch {
      return refuse('not_utf8', 'body is not UTF-8', codec.type);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return refuse('not_json', 'body is not JSON', codec.type);
    }
    if (!isPlainObject(parsed)) return refuse('invalid_fields', 'body is not a JSON object', codec.type);
    try {
      return { ok: true, message: typed(codec.read(new FieldReader(parsed, this.#readNested)), codec.type) };
    } catch (error) {
      // A codec that throws anything but a rejection has a bug, but remote input must not crash us.
      return refuse('invalid_fields', error instanceof Error ? error.message : String(error), codec.type);
    }
  }

  #encodeCompact(envelope: CompactEnvelopeType, message: WireMessage): Uint8Array | undefined {
    const body = message.body as WireMessage | undefined;
    const bodyType = body === undefined ? undefined : this.#compactByType.get(body.type);
    if (bodyType === undefined) return undefined;
    return encodeCompactEnvelope(envelope, message.requestId as number, bodyType, body!);
  }

  #checkedSize<F extends { readonly byteLength: number }>(type: string, frame: F): F {
    if (frame.byteLength > this.messageBytesMax) {
      throw new SwarmError('payload_too_large', `a ${type} message of ${frame.byteLength} bytes exceeds the ${this.messageBytesMax}-byte frame limit`, {
        type,
        bytes: frame.byteLength,
      });
    }
    return frame;
  }

  /** A compact envelope: its bytes parsed into the fields a JSON envelope holds, then the same codecs. */
  #decodeCompact(frame: Uint8Array): DecodeResult {
    let decoded: ReturnType<typeof decodeCompactEnvelope>;
    try {
      decoded = decodeCompactEnvelope(frame, this.#compactBodyType);
    } catch (error) {
      return refuse('invalid_fields', error instanceof Error ? error.message : String(error));
    }
    const codec = this.#byType.get(decoded.envelope)!;
    try {
      return { ok: true, message: typed(codec.read(new FieldReader(decoded.fields, this.#readNested)), codec.type) };
    } catch (error) {
      return refuse('invalid_fields', error instanceof Error ? error.message : String(error), codec.type);
    }
  }

  #readOutgoing(codec: Codec, message: WireMessage): Record<string, unknown> {
    try {
      return codec.read(new FieldReader(message, this.#readNested));
    } catch (error) {
      if (error instanceof WireRejection) assert(false, `outgoing ${message.type} message: ${error.message}`);
      throw error;
    }
  }

  #readNestedMessage(value: unknown, path: string): WireMessage {
    if (!isPlainObject(value) || typeof value.type !== 'string') throw new WireRejection(`${path} must be a message object with a type`);
    const codec = this.#byType.get(value.type);
    if (codec === undefined) throw new WireRejection(`${path} has unknown type ${value.type.slice(0, 64)}`);
    return typed(codec.read(new FieldReader(value, this.#readNested, path)), codec.type);
  }
}

/**
 * A codec's result as a message of its type. The type is set on the result itself, which each codec
 * builds afresh: copying it into a new object with the type added cost more than the codec's checks
 * (measured: a third of a replica frame's decode, bench/RESULTS.md perf-cluster).
 */
function typed(fields: Record<string, unknown>, type: string): WireMessage {
  if (fields.type !== type) fields.type = type;
  return fields as WireMessage;
}

function refuse(reason: RejectReason, detail: string, type?: string): DecodeResult {
  return type === undefined ? { ok: false, reason, detail } : { ok: false, reason, detail, type };
}
