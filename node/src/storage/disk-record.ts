// How LmdbStore lays a record out on disk. The first layout was a msgpack array
// `[valueJson | null, version, updatedAtMs]` (lmdb-js's default encoding), decoded by msgpackr on every
// read (~8% of a GET's CPU with the LMDB read itself, bench/RESULTS.md). Layout 1 is fixed and sliced
// instead of decoded:
//
//   byte 0        layout tag, 1 (a msgpack array of three starts with 0x93, so the two never collide)
//   byte 1        flags: bit 0 set for a tombstone
//   bytes 2-9     updatedAtMs, float64 little-endian
//   byte 10       version length in bytes (ASCII)
//   then          the version, then the value's JSON text in UTF-8 (empty for a tombstone)
//
// Records written by older builds stay readable (`isLegacyRecord`: read through msgpack as before) and
// are rewritten in layout 1 by their next write. An older build cannot read layout 1.

import { assert } from '../assert';
import type { StoredRecord } from './stored-record';

/** The first layout, as lmdb-js's msgpack encoding stores it: the key is the LMDB key. */
export type LegacyDiskRecord = [string | null, string, number];

const LAYOUT_FIXED = 1;
/** msgpack's fixarray of three elements: the first byte of every legacy record. */
const LEGACY_ARRAY_OF_THREE = 0x93;
const TOMBSTONE_FLAG = 1;
const HEADER_BYTES = 11;
const VERSION_BYTES_MAX = 255;

export function encodeDiskRecord(record: StoredRecord): Buffer {
  const versionBytes = record.version.length;
  assert(versionBytes <= VERSION_BYTES_MAX && /^[\x20-\x7e]*$/.test(record.version), 'a version is short printable ASCII');
  const valueBytes = record.valueJson === null ? 0 : Buffer.byteLength(record.valueJson, 'utf8');
  const bytes = Buffer.allocUnsafe(HEADER_BYTES + versionBytes + valueBytes);
  bytes[0] = LAYOUT_FIXED;
  bytes[1] = record.valueJson === null ? TOMBSTONE_FLAG : 0;
  bytes.writeDoubleLE(record.updatedAtMs, 2);
  bytes[10] = versionBytes;
  bytes.write(record.version, HEADER_BYTES, 'latin1');
  if (record.valueJson !== null) bytes.write(record.valueJson, HEADER_BYTES + versionBytes, 'utf8');
  return bytes;
}

export function isLegacyRecord(bytes: Uint8Array): boolean {
  return bytes[0] === LEGACY_ARRAY_OF_THREE;
}

/**
 * A layout-1 record in `bytes` up to `end`. The bytes may be lmdb-js's shared read buffer (longer than
 * the record, and overwritten by the next read): nothing refers to them after this returns.
 */
export function decodeDiskRecord(key: string, bytes: Buffer, end = bytes.length): StoredRecord {
  assert(bytes[0] === LAYOUT_FIXED && end >= HEADER_BYTES, `the record of ${JSON.stringify(key)} is in a layout this build knows`);
  const versionEnd = HEADER_BYTES + bytes[10]!;
  const tombstone = (bytes[1]! & TOMBSTONE_FLAG) !== 0;
  return {
    key,
    valueJson: tombstone ? null : bytes.toString('utf8', versionEnd, end),
    version: bytes.toString('latin1', HEADER_BYTES, versionEnd),
    updatedAtMs: bytes.readDoubleLE(2),
  };
}

export function fromLegacyDiskRecord(key: string, disk: LegacyDiskRecord): StoredRecord {
  return { key, valueJson: disk[0], version: disk[1], updatedAtMs: disk[2] };
}
