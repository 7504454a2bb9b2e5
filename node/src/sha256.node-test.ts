// sha256.ts on Node, the daemon's runtime: its paths (the latin1 string of crypto.hash, read as words
// or copied into a Buffer) give createHash's bytes there too. sha256.test.ts checks the same under Bun,
// whose crypto.hash is another implementation.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { sha256Bytes, sha256First64Bits, sha256Hex } from './sha256';
import { SHA256_TEXTS } from './sha256.contract';

test('every path gives createHash’s digest on Node', () => {
  for (const text of SHA256_TEXTS) {
    const expected = createHash('sha256').update(text, 'utf8').digest();
    assert.equal(sha256Hex(text), expected.toString('hex'));
    assert.ok(sha256Bytes(text).equals(expected), `sha256Bytes of ${JSON.stringify(text.slice(0, 20))}`);
    assert.deepEqual(sha256First64Bits(text), { high: expected.readUInt32BE(0), low: expected.readUInt32BE(4) });
  }
});
