import { expect, test } from 'bun:test';
import { SwarmError } from '../errors';
import { decodeCursor, encodeCursor } from './list-cursor';

test.each(['a', 'users/42', 'café \u{1F600}', '\uFFFD'])('round-trips %p', (key) => {
  expect(decodeCursor(encodeCursor(key), '')).toBe(key);
});

test.each([
  ['not base64url', '!!!', ''],
  ['empty', '', ''],
  ['bytes that are not UTF-8', Buffer.from([0xff, 0xfe]).toString('base64url'), ''],
  ['a cursor from another prefix', encodeCursor('b/1'), 'a/'],
])('rejects %s', (_name, cursor, prefix) => {
  expect(() => decodeCursor(cursor, prefix)).toThrow(SwarmError);
});
