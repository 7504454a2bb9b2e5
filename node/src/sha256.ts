// SHA-256 of a string (UTF-8), for the hashes taken on every request: a key's ring position, a bearer
// token, a replica write's digest leaf. The one-shot crypto.hash (Node >= 20.12, Bun) costs ~0.6 µs
// where createHash costs ~1.9 µs on Node (bench/RESULTS.md, "http-path"); createHash stays for an
// older Node 20. Both give the same bytes. On Node 20 crypto.hash's 'buffer' output costs 1.5-1.9 µs
// and its string outputs 0.4-0.6 µs, so bytes are taken from the 'binary' (latin1) string, one byte
// per character (bench/RESULTS.md, "key-order summing").

import * as crypto from 'node:crypto';

const hasOneShotHash = typeof crypto.hash === 'function';

/** The digest as lowercase hex (64 characters). */
export const sha256Hex: (text: string) => string = hasOneShotHash
  ? (text) => crypto.hash('sha256', text, 'hex')
  : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

/** The digest as a latin1 string of 32 characters, each one byte. */
const sha256Binary: (text: string) => string = hasOneShotHash
  ? (text) => crypto.hash('sha256', text, 'binary')
  : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('binary');

/** The digest as 32 bytes. */
export function sha256Bytes(text: string): Buffer {
  return Buffer.from(sha256Binary(text), 'latin1');
}

/** The digest's first 64 bits, as two unsigned 32-bit halves (big-endian, as the bytes read). */
export function sha256First64Bits(text: string): { readonly high: number; readonly low: number } {
  const bytes = sha256Binary(text);
  return { high: uint32At(bytes, 0), low: uint32At(bytes, 4) };
}

function uint32At(bytes: string, offset: number): number {
  return ((bytes.charCodeAt(offset) << 24) | (bytes.charCodeAt(offset + 1) << 16) | (bytes.charCodeAt(offset + 2) << 8) | bytes.charCodeAt(offset + 3)) >>> 0;
}
