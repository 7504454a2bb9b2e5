import { describe, expect, test } from 'bun:test';
import { createHash } from 'node:crypto';
import { keyPosition, RING_POSITION_HEX_DIGITS, tokenPosition } from './ring-position';

const sha256Prefix = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, RING_POSITION_HEX_DIGITS);

describe('keyPosition', () => {
  test('is the first 64 bits of the key\'s SHA-256, for short, long and non-ASCII keys', () => {
    for (const key of ['a', 'hello', 'ключ/値', '🙂'.repeat(40), 'x'.repeat(1900)]) expect(keyPosition(key)).toBe(sha256Prefix(key));
  });

  test('answers the same position whether the key is cached, promoted from the old generation, or evicted', () => {
    const keys = Array.from({ length: 40_000 }, (_, index) => `cache-${index}`);
    const first = keys.map(keyPosition);
    // Asked again in the same and in reverse order: the early keys were dropped, the late ones are cached.
    expect(keys.map(keyPosition)).toEqual(first);
    expect([...keys].reverse().map(keyPosition)).toEqual([...first].reverse());
    for (const index of [0, 1, 8_191, 8_192, 20_000, 39_999]) expect(first[index]).toBe(sha256Prefix(keys[index]!));
  });
});

describe('tokenPosition', () => {
  test('hashes the node id and index', () => {
    expect(tokenPosition('aaaaaaaaaaaaaaaa', 3)).toBe(sha256Prefix('token:aaaaaaaaaaaaaaaa:3'));
  });
});
