import { describe, expect, test } from 'bun:test';
import { createHash } from 'node:crypto';
import { keyPosition, RING_POSITION_HEX_DIGITS, tokenPosition } from './ring-position';

const sha256Prefix = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, RING_POSITION_HEX_DIGITS);

describe('keyPosition', () => {
  test('is the first 64 bits of the key\'s SHA-256, for short, long and non-ASCII keys', () => {
    for (const key of ['a', 'hello', 'ключ/値', '🙂'.repeat(40), 'x'.repeat(1900)]) expect(keyPosition(key)).toBe(sha256Prefix(key));
  });

  test('answers the same position whether the key is cached or its slot was taken by another key', () => {
    // More keys than the table has slots: many share a slot and take it from each other.
    const keys = Array.from({ length: 40_000 }, (_, index) => `cache-${index}`);
    const first = keys.map(keyPosition);
    expect(keys.map(keyPosition)).toEqual(first);
    expect([...keys].reverse().map(keyPosition)).toEqual([...first].reverse());
    for (let index = 0; index < keys.length; index += 997) expect(first[index]).toBe(sha256Prefix(keys[index]!));
    // Interleaved, each key asked right after another that may have taken its slot.
    for (let index = 1; index < 2_000; index++) {
      expect(keyPosition(keys[index]!)).toBe(first[index]!);
      expect(keyPosition(keys[index + 20_000]!)).toBe(first[index + 20_000]!);
      expect(keyPosition(keys[index - 1]!)).toBe(first[index - 1]!);
    }
  });

  test('a key past the cached length, and one of non-ASCII characters, are hashed right every time', () => {
    for (const key of ['k'.repeat(129), 'ключ'.repeat(40), 'ключ', '🙂']) {
      expect(keyPosition(key)).toBe(sha256Prefix(key));
      expect(keyPosition(key)).toBe(sha256Prefix(key));
    }
  });
});

describe('tokenPosition', () => {
  test('hashes the node id and index', () => {
    expect(tokenPosition('aaaaaaaaaaaaaaaa', 3)).toBe(sha256Prefix('token:aaaaaaaaaaaaaaaa:3'));
  });
});
