// Reading and checking a JSON request body before anything else looks at it. Elysia's own parser is
// bypassed (routes use `parse: 'none'`) so that every failure maps to our error codes, the size limit
// is enforced while reading rather than after buffering, and the value is serialised exactly once.

import type { IncomingMessage } from 'node:http';
import { BODY_ENVELOPE_BYTES_MAX } from '../limits';
import { SwarmError } from '../errors';
import { checkJsonExactness } from './json-exactness';
import { readNodeBodyBounded, tooLargeError } from './node-body';
import { nodeExchangeOf } from './node-exchange';

export interface ValueBody {
  /** The value as compact JSON text, ready to store. */
  readonly valueJson: string;
  /** The optional `key` field (POST /kv). Unvalidated: the caller checks it as a key. */
  readonly key: unknown;
}

export function bodyBytesMax(valueBytesMax: number): number {
  return valueBytesMax + BODY_ENVELOPE_BYTES_MAX;
}

/** `application/json` or any `+json` type, with or without parameters. */
function isJsonContentType(contentType: string | null): boolean {
  if (contentType === null) return false;
  const essence = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return essence === 'application/json' || (essence.startsWith('application/') && essence.endsWith('+json'));
}

/**
 * Strict UTF-8: JSON text must be UTF-8 (RFC 8259 8.1), and a lenient decoder would turn malformed bytes
 * into U+FFFD, storing a value the client never sent. `fatal` makes them an error instead.
 */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** What a body is read from: the two headers that describe it, and its bytes up to a bound. */
export interface BodySource {
  readonly contentType: string | null;
  readonly contentLength: string | null;
  readBounded(bytesMax: number): Promise<Uint8Array>;
}

/**
 * A web request's body: read from the Node request under it when there is one (node-body.ts: no web
 * stream built), else from `request.body`.
 */
function webBodySource(request: Request): BodySource {
  const node = nodeExchangeOf(request);
  return {
    contentType: request.headers.get('content-type'),
    contentLength: request.headers.get('content-length'),
    readBounded: (bytesMax) => (node === undefined ? readWebBodyBounded(request, bytesMax) : readNodeBodyBounded(node.req, bytesMax)),
  };
}

/** A Node request's body (a route served ahead of the framework, fast-key-routes.ts). */
export function nodeBodySource(request: IncomingMessage): BodySource {
  return {
    contentType: request.headers['content-type'] ?? null,
    contentLength: request.headers['content-length'] ?? null,
    readBounded: (bytesMax) => readNodeBodyBounded(request, bytesMax),
  };
}

/** The body's bytes, read up to `bytesMax` (payload_too_large beyond it, or declared beyond it). */
async function readBytesBounded(source: BodySource, bytesMax: number): Promise<Uint8Array> {
  const declared = source.contentLength;
  if (declared !== null && Number(declared) > bytesMax) {
    throw new SwarmError('payload_too_large', `the body is ${declared} bytes; the limit is ${bytesMax}`, { bytesMax });
  }
  return source.readBounded(bytesMax);
}

async function readWebBodyBounded(request: Request, bytesMax: number): Promise<Uint8Array> {
  if (request.body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > bytesMax) {
      // Stop buffering, but do not cancel the stream: cancelling destroys the socket at once, and the
      // client, still sending, would get a connection reset instead of our 413. Released, the rest of
      // the body is read and discarded by Node's HTTP server (bounded by its request timeout) while the
      // 413 goes out, and the connection stays usable.
      reader.releaseLock();
      throw tooLargeError(bytesMax);
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received);
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new SwarmError('invalid_json', 'the body is not valid JSON: it is not well-formed UTF-8');
  }
}

/**
 * Reads a JSON object body of at most `bytesMax` bytes, refusing a number it could not keep exactly or
 * nesting too deep (json-exactness.ts); throws a SwarmError naming what is wrong.
 */
export function readJsonBody(request: Request, bytesMax: number): Promise<object> {
  return readJsonBodyFrom(webBodySource(request), bytesMax);
}

async function readJsonBodyFrom(source: BodySource, bytesMax: number): Promise<object> {
  if (!isJsonContentType(source.contentType)) {
    throw new SwarmError('unsupported_media_type', 'send the body as JSON with Content-Type: application/json');
  }
  const text = decodeUtf8(await readBytesBounded(source, bytesMax));
  checkJsonExactness(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SwarmError('invalid_json', `the body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SwarmError('invalid_body', 'the body must be a JSON object like {"value": ...}');
  }
  return parsed;
}

/** Parses `{"value": <any JSON>, "key"?: string}`; throws a SwarmError naming what is wrong. */
export function readValueBody(request: Request, valueBytesMax: number): Promise<ValueBody> {
  return readValueBodyFrom(webBodySource(request), valueBytesMax);
}

export async function readValueBodyFrom(source: BodySource, valueBytesMax: number): Promise<ValueBody> {
  const parsed = await readJsonBodyFrom(source, bodyBytesMax(valueBytesMax));
  if (!('value' in parsed)) throw new SwarmError('invalid_body', 'the body has no "value" field');
  const valueJson = JSON.stringify((parsed as { value: unknown }).value);
  const valueBytes = Buffer.byteLength(valueJson, 'utf8');
  if (valueBytes > valueBytesMax) {
    throw new SwarmError('payload_too_large', `the value is ${valueBytes} bytes of JSON; the limit is ${valueBytesMax}`, { valueBytes, valueBytesMax });
  }
  return { valueJson, key: (parsed as { key?: unknown }).key };
}
