import { expect, test } from 'bun:test';
import { SwarmError } from './errors';
import { validateKey } from './keys';

const accepts = ['a', 'a/b', 'with space', 'café', '\u{1F600}', 'x'.repeat(1024), 'é'.repeat(512)];
const rejects: [string, unknown][] = [
  ['empty', ''],
  ['too long', 'x'.repeat(1025)],
  ['too many bytes though 513 characters', 'é'.repeat(513)],
  ['lone surrogate', 'a\uD800b'],
  ['not a string', 42],
  ['null', null],
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
