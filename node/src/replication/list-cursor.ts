// A list cursor is the last key a page examined, base64url-encoded so it travels safely in a query
// string. Decoding checks it is one of ours: well-formed, and inside the prefix being listed.

import { LIST_CURSOR_CHARS_MAX } from '../limits';
import { SwarmError } from '../errors';

const BASE64URL = /^[A-Za-z0-9_-]*$/;

export function encodeCursor(afterKey: string): string {
  return Buffer.from(afterKey, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, prefix: string): string {
  if (cursor.length === 0 || cursor.length > LIST_CURSOR_CHARS_MAX || !BASE64URL.test(cursor)) {
    throw new SwarmError('invalid_query', 'the cursor is not one this node issued');
  }
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  // Re-encoding must give the cursor back: otherwise its bytes were not UTF-8 we produced.
  if (encodeCursor(key) !== cursor || !key.startsWith(prefix)) {
    throw new SwarmError('invalid_query', 'the cursor does not belong to this listing (was the prefix changed?)');
  }
  return key;
}
