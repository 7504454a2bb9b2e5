// What a key may be: 1..keyBytesMax bytes of well-formed UTF-8. Checked at every entrance (HTTP paths,
// bodies, and later peer messages), so the storage layer only ever sees valid keys.

import { randomBytes } from 'node:crypto';
import { GENERATED_KEY_CHARS_MAX, KEY_BYTES_MIN } from './limits';
import { SwarmError } from './errors';

export function validateKey(key: unknown, keyBytesMax: number): string {
  if (typeof key !== 'string') throw new SwarmError('invalid_key', 'the key must be a string');
  if (key.length === 0) throw new SwarmError('invalid_key', 'the key must not be empty');
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
