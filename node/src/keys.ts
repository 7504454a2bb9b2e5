// What a key may be: 1..keyBytesMax bytes of well-formed UTF-8, and not "." or "..". Checked at every
// entrance (HTTP paths, bodies, and later peer messages), so the storage layer only ever sees valid keys.

import { randomBytes } from 'node:crypto';
import { GENERATED_KEY_CHARS_MAX, KEY_BYTES_MIN } from './limits';
import { SwarmError } from './errors';

/**
 * A URL path segment "." or ".." (also sent as %2E, %2E%2E) is removed by URL normalisation (RFC 3986
 * 5.2.4, WHATWG URL) before any router sees it, so such a key could never be read at /kv/{key}. They
 * are refused everywhere, not only in paths, so POST cannot create a key that no GET can reach.
 */
const DOT_SEGMENTS: ReadonlySet<string> = new Set(['.', '..']);

export function validateKey(key: unknown, keyBytesMax: number): string {
  if (typeof key !== 'string') throw new SwarmError('invalid_key', 'the key must be a string');
  if (key.length === 0) throw new SwarmError('invalid_key', 'the key must not be empty');
  if (DOT_SEGMENTS.has(key)) throw new SwarmError('invalid_key', `the key ${JSON.stringify(key)} is a URL dot segment and could not be addressed as /kv/{key}`);
  if (isSystemKey(key)) throw new SwarmError('invalid_key', 'keys starting with a NUL byte and "swarmkv/" are reserved for the node itself');
  if (!key.isWellFormed()) throw new SwarmError('invalid_key', 'the key must be valid Unicode (it has a lone surrogate)');
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes < KEY_BYTES_MIN || bytes > keyBytesMax) {
    throw new SwarmError('invalid_key', `the key is ${bytes} bytes of UTF-8; the limit is ${KEY_BYTES_MIN}..${keyBytesMax}`, { keyBytes: bytes, keyBytesMax });
  }
  return key;
}

/**
 * A fresh random key for POST /kv without one: base64url characters (6 random bits each, URL-safe, never
 * a dot), as many as GENERATED_KEY_CHARS_MAX or the configured key limit allows, so a generated key
 * always passes validateKey on the node that made it. At the default limit that is 132 random bits
 * (a UUID has 122); a small limit gets fewer, and the rare collision is caught by create's conflict
 * check and retried with another key.
 */
export function generateKey(keyBytesMax: number): string {
  const chars = Math.min(GENERATED_KEY_CHARS_MAX, keyBytesMax);
  return randomBytes(Math.ceil((chars * 6) / 8)).toString('base64url').slice(0, chars);
}

/**
 * Keys under this prefix are the node's own (API tokens, by their hashes): they replicate like data,
 * but the key routes refuse them and listings leave them out. A NUL byte starts it, so no key a client
 * could type collides with it, and it sorts before every other key.
 */
export const SYSTEM_KEY_PREFIX = '\u0000swarmkv/';

export function isSystemKey(key: string): boolean {
  return key.startsWith(SYSTEM_KEY_PREFIX);
}
