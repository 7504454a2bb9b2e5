// What a key may be: 1..keyBytesMax bytes of well-formed UTF-8. Checked at every entrance (HTTP paths,
// bodies, and later peer messages), so the storage layer only ever sees valid keys.

import { KEY_BYTES_MIN } from './limits';
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
