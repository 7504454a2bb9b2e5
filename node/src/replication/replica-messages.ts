// The replica protocol: what a coordinator asks of a replica on another node, carried as request and
// response bodies by the transport's Rpc, under the codes replication owns (64..127). Every codec
// checks what a peer sent before any store sees it: key sizes, version encodings, that a value is JSON.
//
// Reads, writes and their answers also have binary layouts (replica-layouts.ts), used with peers that
// speak protocol version 2; the same codecs below check what those carry.
//
// Values travel as their JSON text inside a JSON string. Escaping at most doubles it (each `"` or `\`
// gains a backslash), so the largest value fits PEER_MESSAGE_BYTES_MAX with its envelope; config.ts
// refuses a --value-bytes-max for which that would not hold.

import { KEY_BYTES_MAX_CEILING, LIST_LIMIT_MAX } from '../limits';
import type { StoredRecord } from '../storage';
import { isVersion, NODE_ID_HEX_DIGITS } from '../version';
import { replicaReadLayout, replicaRecordLayout, replicaWriteAckLayout, replicaWriteLayout } from './replica-layouts';
import { defineMessage, PEER_MESSAGE_BYTES_MAX, WireRejection, type FieldReader } from '../wire';

export type ReplicaReadMessage = { readonly type: 'replicaRead'; readonly key: string };
/** The replica's record for the key, tombstones included; `record` is absent when it holds nothing. */
export type ReplicaRecordMessage = { readonly type: 'replicaRecord'; readonly record?: WireRecord };
/** `hintFor`: the receiver stands in for that node and keeps the record as a hint owed to it. */
export type ReplicaWriteMessage = { readonly type: 'replicaWrite'; readonly record: WireRecord; readonly hintFor?: string };
export type ReplicaWriteAckMessage = { readonly type: 'replicaWriteAck'; readonly applied: boolean; readonly version: string };
export type ReplicaScanMessage = {
  readonly type: 'replicaScan';
  readonly prefix: string;
  readonly afterKey?: string;
  readonly limit: number;
  readonly includeTombstones: boolean;
};
/** A scan page without values: listings only need keys and versions, and values would not fit a frame. */
export type ReplicaScanPageMessage = { readonly type: 'replicaScanPage'; readonly entries: ScanEntry[]; readonly resumeAfterKey?: string };

/** A record on the wire: `deleted` instead of a null value (a codec's output is what is sent, and no field is null). */
export type WireRecord = { readonly key: string; readonly deleted: boolean; readonly valueJson?: string; readonly version: string; readonly updatedAtMs: number };
export type ScanEntry = { readonly key: string; readonly version: string; readonly updatedAtMs: number; readonly deleted: boolean };

/** Wall-clock milliseconds as a record carries them: from 1970 to the year 10889, like a version's. */
const UPDATED_AT_MS_MAX = 16 ** 12 - 1;

function readKey(fields: FieldReader, name: string): string {
  const key = fields.string(name, { charsMin: 1, charsMax: KEY_BYTES_MAX_CEILING });
  if (Buffer.byteLength(key) > KEY_BYTES_MAX_CEILING) throw new WireRejection(`${name} exceeds ${KEY_BYTES_MAX_CEILING} bytes`);
  return key;
}

function readVersion(fields: FieldReader, name: string): string {
  const version = fields.string(name, { charsMin: 1, charsMax: 64 });
  if (!isVersion(version)) throw new WireRejection(`${name} is not a version`);
  return version;
}

function readRecord(fields: FieldReader): WireRecord {
  const key = readKey(fields, 'key');
  const deleted = fields.boolean('deleted');
  const version = readVersion(fields, 'version');
  const updatedAtMs = fields.integer('updatedAtMs', { min: 0, max: UPDATED_AT_MS_MAX });
  if (deleted) return { key, deleted, version, updatedAtMs };
  const valueJson = fields.string('valueJson', { charsMin: 1, charsMax: PEER_MESSAGE_BYTES_MAX });
  try {
    JSON.parse(valueJson);
  } catch {
    throw new WireRejection('valueJson is not JSON');
  }
  return { key, deleted, valueJson, version, updatedAtMs };
}

export const replicaRead = defineMessage<ReplicaReadMessage>('replicaRead', (fields) => ({ key: readKey(fields, 'key') }), replicaReadLayout);

export const replicaRecord = defineMessage<ReplicaRecordMessage>('replicaRecord', (fields) => {
  const record = fields.optional('record', (present) => readRecord(present.object('record')));
  return record === undefined ? {} : { record };
}, replicaRecordLayout);

export const replicaWrite = defineMessage<ReplicaWriteMessage>('replicaWrite', (fields) => {
  const record = readRecord(fields.object('record'));
  const hintFor = fields.optional('hintFor', (present) => present.hex('hintFor', NODE_ID_HEX_DIGITS / 2));
  return hintFor === undefined ? { record } : { record, hintFor };
}, replicaWriteLayout);

export const replicaWriteAck = defineMessage<ReplicaWriteAckMessage>('replicaWriteAck', (fields) => ({
  applied: fields.boolean('applied'),
  version: readVersion(fields, 'version'),
}), replicaWriteAckLayout);

export const replicaScan = defineMessage<ReplicaScanMessage>('replicaScan', (fields) => {
  const prefix = fields.string('prefix', { charsMax: KEY_BYTES_MAX_CEILING });
  const afterKey = fields.optional('afterKey', (present) => readKey(present, 'afterKey'));
  const limit = fields.integer('limit', { min: 1, max: LIST_LIMIT_MAX });
  const includeTombstones = fields.boolean('includeTombstones');
  return afterKey === undefined ? { prefix, limit, includeTombstones } : { prefix, afterKey, limit, includeTombstones };
});

export const replicaScanPage = defineMessage<ReplicaScanPageMessage>('replicaScanPage', (fields) => {
  const entries = fields.list('entries', LIST_LIMIT_MAX, (entry) => ({
    key: readKey(entry, 'key'),
    version: readVersion(entry, 'version'),
    updatedAtMs: entry.integer('updatedAtMs', { min: 0, max: UPDATED_AT_MS_MAX }),
    deleted: entry.boolean('deleted'),
  }));
  const resumeAfterKey = fields.optional('resumeAfterKey', (present) => readKey(present, 'resumeAfterKey'));
  return resumeAfterKey === undefined ? { entries } : { entries, resumeAfterKey };
});

export function recordOnWire(record: StoredRecord): WireRecord {
  const { key, valueJson, version, updatedAtMs } = record;
  return valueJson === null ? { key, deleted: true, version, updatedAtMs } : { key, deleted: false, valueJson, version, updatedAtMs };
}

/** A received record as the store keeps it. */
export function recordFromWire(record: WireRecord): StoredRecord {
  return { key: record.key, valueJson: record.deleted ? null : record.valueJson!, version: record.version, updatedAtMs: record.updatedAtMs };
}
