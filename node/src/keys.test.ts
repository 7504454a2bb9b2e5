import { expect, test } from 'bun:test';
import { SwarmError } from './errors';
import { generateKey, validateKey } from './keys';

const accepts = ['a', 'a/b', 'with space', 'café', '\u{1F600}', 'x'.repeat(1024), 'é'.repeat(512), '...', '.a', 'a/..', '.. '];
const rejects: [string, unknown][] = [
  ['empty', ''],
  ['too long', 'x'.repeat(1025)],
  ['too many bytes though 513 characters', 'é'.repeat(513)],
  ['lone surrogate', 'a\uD800b'],
  ['not a string', 42],
  ['null', null],
  ['the dot segment "."', '.'],
  ['the dot segment ".."', '..'],
];

test.each(accepts)('accepts %p', (key) => expect(validateKey(key, 1024)).toBe(key));

test.each(rejects)('rejects a key that is %s', (_name, key) => {
  try {
    validateKey(key, 1024);
    throw new Error('accepted');
  } catch (error) {
    expect(error).toBeInstanceOf(SwarmError);
    expect((error as SwarmError).code).toBe('invalid_key');
  }
});

test.each([1024, 22, 16, 3, 1])('a generated key is valid under a %d-byte key limit, and as long as it may be up to 22', (keyBytesMax) => {
  const keys = Array.from({ length: 200 }, () => generateKey(keyBytesMax));
  for (const key of keys) {
    expect(validateKey(key, keyBytesMax)).toBe(key);
    expect(key).toHaveLength(Math.min(22, keyBytesMax));
    expect(encodeURIComponent(key)).toBe(key);
  }
  if (keyBytesMax >= 16) expect(new Set(keys).size).toBe(keys.length);
});
