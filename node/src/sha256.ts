// SHA-256 of a string (UTF-8), for the hashes taken on every request: a key's ring position, a bearer
// token, a replica write's digest leaf. The one-shot crypto.hash (Node >= 20.12, Bun) costs ~0.6 µs
// where createHash costs ~1.9 µs on Node (bench/RESULTS.md, "http-path"); createHash stays for an
// older Node 20. Both give the same bytes.

import * as crypto from 'node:crypto';

const hasOneShotHash = typeof crypto.hash === 'function';

/** The digest as lowercase hex (64 characters). */
export const sha256Hex: (text: string) => string = hasOneShotHash
  ? (text) => crypto.hash('sha256', text, 'hex')
  : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

/** The digest as 32 bytes. */
export const sha256Bytes: (text: string) => Buffer = hasOneShotHash
  ? (text) => crypto.hash('sha256', text, 'buffer')
  : (text) => crypto.createHash('sha256').update(text, 'utf8').digest();
