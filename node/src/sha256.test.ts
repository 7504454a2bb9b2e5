// The fast paths agree with createHash, byte for byte, whatever the text: ring positions, leaf hashes
// and token hashes must be the same on every node, whichever runtime and path computed them.

import { describe, expect, test } from 'bun:test';
import { createHash } from 'node:crypto';
import { sha256Bytes, sha256First64Bits, sha256Hex } from './sha256';

const TEXTS = ['', 'k', 'key:42\n000000000001.0000.aaaaaaaaaaaaaaaa', 'ключ', '\u{1F600} and \uE000', '\u00ff\u0080\u0000', 'x'.repeat(10_000)];

describe('sha256', () => {
  test.each(TEXTS)('gives createHash’s digest of %#', (text) => {
    const expected = createHash('sha256').update(text, 'utf8').digest();
    expect(sha256Hex(text)).toBe(expected.toString('hex'));
    expect(sha256Bytes(text).equals(expected)).toBe(true);
    expect(sha256First64Bits(text)).toEqual({ high: expected.readUInt32BE(0), low: expected.readUInt32BE(4) });
  });
});
