// Binary layouts of the replica messages every client request sends (protocol version 2): reads,
// writes and their answers. Each turns the message's fields into bytes and back; the codecs in
// replica-messages.ts still check every decoded field (key sizes, versions, that a value is JSON).
//
//   record        key, flags (deleted, hintFor present), version, updatedAtMs, valueJson unless deleted
//   replicaRead   key
//   replicaRecord flags (record present), then the record
//   replicaWrite  the record, then hintFor if flagged
//   replicaWriteAck  flags (applied), version

import { compactEncoding as c, readFlags, strictUtf8, type CompactLayout, type CompactState } from '../wire';

const DELETED = 0b01;
const HINTED = 0b10;
const PRESENT = 0b1;
const APPLIED = 0b1;

type Fields = Readonly<Record<string, unknown>>;

/** A record's fields as a message holds them (see WireRecord); `hintFor` rides in its flags byte. */
const record = {
  preencode(state: CompactState, fields: Fields, hintFor: unknown): void {
    strictUtf8.preencode(state, fields.key as string);
    state.end += 1;
    strictUtf8.preencode(state, fields.version as string);
    c.uint.preencode(state, fields.updatedAtMs as number);
    if (fields.deleted !== true) strictUtf8.preencode(state, fields.valueJson as string);
    if (hintFor !== undefined) strictUtf8.preencode(state, hintFor as string);
  },
  encode(state: CompactState, fields: Fields, hintFor: unknown): void {
    strictUtf8.encode(state, fields.key as string);
    c.uint8.encode(state, (fields.deleted === true ? DELETED : 0) | (hintFor === undefined ? 0 : HINTED));
    strictUtf8.encode(state, fields.version as string);
    c.uint.encode(state, fields.updatedAtMs as number);
    if (fields.deleted !== true) strictUtf8.encode(state, fields.valueJson as string);
    if (hintFor !== undefined) strictUtf8.encode(state, hintFor as string);
  },
  /** `hintable`: whether the hint flag may be set (only in a write). */
  decode(state: CompactState, hintable: boolean): { record: Record<string, unknown>; hintFor?: string } {
    const key = strictUtf8.decode(state);
    const flags = readFlags(state, hintable ? DELETED | HINTED : DELETED);
    const deleted = (flags & DELETED) !== 0;
    const version = strictUtf8.decode(state);
    const updatedAtMs = c.uint.decode(state);
    const decoded: Record<string, unknown> = deleted ? { key, deleted, version, updatedAtMs } : { key, deleted, version, updatedAtMs, valueJson: strictUtf8.decode(state) };
    return (flags & HINTED) === 0 ? { record: decoded } : { record: decoded, hintFor: strictUtf8.decode(state) };
  },
};

export const replicaReadLayout: CompactLayout = {
  preencode: (state, fields) => strictUtf8.preencode(state, fields.key as string),
  encode: (state, fields) => strictUtf8.encode(state, fields.key as string),
  decode: (state) => ({ key: strictUtf8.decode(state) }),
};

export const replicaRecordLayout: CompactLayout = {
  preencode(state, fields) {
    state.end += 1;
    if (fields.record !== undefined) record.preencode(state, fields.record as Fields, undefined);
  },
  encode(state, fields) {
    c.uint8.encode(state, fields.record === undefined ? 0 : PRESENT);
    if (fields.record !== undefined) record.encode(state, fields.record as Fields, undefined);
  },
  decode(state) {
    if ((readFlags(state, PRESENT) & PRESENT) === 0) return {};
    return { record: record.decode(state, false).record };
  },
};

export const replicaWriteLayout: CompactLayout = {
  preencode: (state, fields) => record.preencode(state, fields.record as Fields, fields.hintFor),
  encode: (state, fields) => record.encode(state, fields.record as Fields, fields.hintFor),
  decode: (state) => record.decode(state, true),
};

export const replicaWriteAckLayout: CompactLayout = {
  preencode(state, fields) {
    state.end += 1;
    strictUtf8.preencode(state, fields.version as string);
  },
  encode(state, fields) {
    c.uint8.encode(state, fields.applied === true ? APPLIED : 0);
    strictUtf8.encode(state, fields.version as string);
  },
  decode: (state) => ({ applied: (readFlags(state, APPLIED) & APPLIED) !== 0, version: strictUtf8.decode(state) }),
};
