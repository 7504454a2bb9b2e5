// The fast paths agree with createHash, byte for byte, whatever the text: ring positions, leaf hashes
// and token hashes must be the same on every node, whichever runtime and path computed them.

import { describe, expect, test } from 'bun:test';
import { createHash } from 'node:crypto';
import { sha256Bytes, sha256First64Bits, sha256Hex } from './sha256';
import { SHA256_TEXTS } from './sha256.contract';

describe('sha256', () => {
  test.each(SHA256_TEXTS)('gives createHash’s digest of %#', (text) => {
    const expected = createHash('sha256').update(text, 'utf8').digest();
    expect(sha256Hex(text)).toBe(expected.toString('hex'));
    expect(sha256Bytes(text).equals(expected)).toBe(true);
    expect(sha256First64Bits(text)).toEqual({ high: expected.readUInt32BE(0), low: expected.readUInt32BE(4) });
  });
});
