// How string keys are written in LMDB: as their UTF-8 bytes, nothing else. LMDB orders keys by their
// bytes, and UTF-8's byte order is code point order, the order key-order.ts promises for both engines.
//
// lmdb-js's default key encoding (ordered-binary) does not round-trip every string: in a string of ~50
// characters or more it writes U+0000..U+0004 without the escape it gives them in shorter strings, and
// reads such a key back as an array (NUL is its separator of compound keys) or as other characters. A
// key with a NUL byte and 64 more characters is what every API token's record is (SYSTEM_KEY_PREFIX),
// and one such key made every scan of the store fail: listings, exports, `token ls` and `token revoke`.
// A store written by an earlier build is moved to this encoding once, when it is opened.

import * as lmdb from 'lmdb';
import type { Database, RootDatabase } from 'lmdb';

/** ordered-binary's two functions, which lmdb-js exports and its type declarations leave out. */
const { bufferToKeyValue, keyValueToBuffer } = lmdb as unknown as { bufferToKeyValue(bytes: Buffer): unknown; keyValueToBuffer(key: string): Buffer };

/** A meta entry naming the key encoding a database's keys are in, once they all are. */
const UTF8_KEYS_META_PREFIX = 'key-encoding-utf8:';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Keys up to this many bytes are decoded by a loop here; a call into the runtime costs more for them. */
const SHORT_KEY_BYTES = 64;

/**
 * lmdb-js's custom key encoder. ASCII, most keys, is copied by a loop (a call into the runtime's UTF-8
 * encoder costs ~50 ns a key on Node, the loop ~20, as lmdb-js's default does). A key that does not fit
 * in `target` is a RangeError, which tells lmdb-js to retry in a fresh buffer (keys.js, saveKey); a
 * Buffer key is lmdb-js's own (where an iteration without a start begins).
 */
export const UTF8_KEYS = {
  writeKey(key: string | Uint8Array, target: Uint8Array, start: number): number {
    if (typeof key !== 'string') {
      target.set(key, start);
      return start + key.length;
    }
    const length = key.length;
    if (start + length > target.length) throw new RangeError('the key does not fit in the buffer');
    for (let index = 0; index < length; index++) {
      const code = key.charCodeAt(index);
      if (code >= 0x80) return writeUtf8(key, target, start);
      target[start + index] = code;
    }
    return start + length;
  },
  readKey(source: Uint8Array, start: number, end: number): string {
    if (end - start <= SHORT_KEY_BYTES) {
      let text = '';
      for (let index = start; index < end; index++) {
        const byte = source[index]!;
        if (byte >= 0x80) return decoder.decode(source.subarray(start, end));
        text += String.fromCharCode(byte);
      }
      return text;
    }
    return decoder.decode(source.subarray(start, end));
  },
};

function writeUtf8(key: string, target: Uint8Array, start: number): number {
  const { read, written } = encoder.encodeInto(key, target.subarray(start));
  if (read < key.length) throw new RangeError('the key does not fit in the buffer');
  return start + written;
}

/**
 * The database `name` of `root` with string keys written as UTF-8 (moveToUtf8Keys first, for a store an
 * earlier build wrote); values in lmdb-js's default encoding, or as raw bytes with `binary`.
 */
export function openUtf8Keyed<V>(root: RootDatabase, name: string, values: 'default' | 'binary' = 'default'): Database<V, string> {
  // A variable, not a literal: lmdb-js's type declarations do not list its keyEncoder option.
  const options = { name, keyEncoder: UTF8_KEYS, ...(values === 'binary' ? { encoding: 'binary' as const } : {}) };
  return root.openDB<V, string>(options);
}

/** The string whose default (ordered-binary) encoding is `raw`, whichever of its two ways wrote it. */
export function keyFromOrderedBinary(raw: Buffer): string | undefined {
  const decoded: unknown = bufferToKeyValue(raw);
  if (typeof decoded === 'string' && keyValueToBuffer(decoded).equals(raw)) return decoded;
  // The unescaped way: a 0x1B byte first when the string starts below U+001C, then its UTF-8 bytes.
  const body = raw[0] === 0x1b && raw.length > 1 && raw[1]! < 0x1c ? raw.subarray(1) : raw;
  const candidate = body.toString('utf8');
  return keyValueToBuffer(candidate).equals(raw) ? candidate : undefined;
}

/**
 * Rewrites every key of the database `name` that the default encoding wrote otherwise than as its UTF-8
 * bytes, in one transaction, unless `meta` says it was done; returns how many keys moved. Values are
 * copied as they are. Keys that could not be read back are left where they are and counted apart.
 */
export function moveToUtf8Keys(root: RootDatabase, meta: Database<unknown, string>, name: string): { moved: number; unreadable: number } {
  const flag = UTF8_KEYS_META_PREFIX + name;
  if (meta.get(flag) !== undefined) return { moved: 0, unreadable: 0 };
  const raw = root.openDB<Buffer, Buffer>({ name, keyEncoding: 'binary', encoding: 'binary' });
  let moved = 0;
  let unreadable = 0;
  raw.transactionSync(() => {
    const moves: [Buffer, Buffer, Buffer][] = [];
    for (const { key, value } of raw.getRange({ start: Buffer.from([0]) })) {
      const bytes = Buffer.from(key);
      const text = keyFromOrderedBinary(bytes);
      if (text === undefined) unreadable += 1;
      else if (!Buffer.from(text, 'utf8').equals(bytes)) moves.push([bytes, Buffer.from(text, 'utf8'), Buffer.from(value)]);
    }
    for (const [from, to, value] of moves) {
      raw.removeSync(from);
      raw.putSync(to, value);
    }
    moved = moves.length;
    meta.putSync(flag, true);
  });
  return { moved, unreadable };
}
