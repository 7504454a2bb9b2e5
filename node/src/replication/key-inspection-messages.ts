// The key-inspection protocol (codes 74..75, in replication's range): what GET /cluster/explain/{key}
// asks of each member. The answer is the member's own store's record for the key (no hints mixed in,
// no repair) and every hint it holds for the key, per target. Read-only on the answering side.

import { KEY_BYTES_MAX_CEILING } from '../limits';
import { isVersion, NODE_ID_HEX_DIGITS } from '../version';
import { defineMessage, WireRejection, type FieldReader } from '../wire';

/** A record's identity without its value: all an explanation shows. */
export type InspectedRecord = { readonly version: string; readonly updatedAtMs: number; readonly deleted: boolean };
export type InspectedHint = InspectedRecord & { readonly target: string };

export type KeyInspectMessage = { readonly type: 'keyInspect'; readonly key: string };
/** `record` is absent when the member's store holds nothing for the key. */
export type KeyInspectionMessage = { readonly type: 'keyInspection'; readonly record?: InspectedRecord; readonly hints: InspectedHint[] };

/** Wall-clock milliseconds as a record carries them (see replica-messages.ts). */
const UPDATED_AT_MS_MAX = 16 ** 12 - 1;
/**
 * A hint store keeps one hint per (target, key), and targets are members: at most MEMBERS_MAX per key.
 * Spelt out rather than imported, so that a standalone node does not load the membership layer (a test
 * checks the two agree).
 */
export const KEY_INSPECTION_HINTS_MAX = 256;

function readInspectedRecord(fields: FieldReader): InspectedRecord {
  const version = fields.string('version', { charsMin: 1, charsMax: 64 });
  if (!isVersion(version)) throw new WireRejection('version is not a version');
  return { version, updatedAtMs: fields.integer('updatedAtMs', { min: 0, max: UPDATED_AT_MS_MAX }), deleted: fields.boolean('deleted') };
}

export const keyInspect = defineMessage<KeyInspectMessage>('keyInspect', (fields) => {
  const key = fields.string('key', { charsMin: 1, charsMax: KEY_BYTES_MAX_CEILING });
  if (Buffer.byteLength(key) > KEY_BYTES_MAX_CEILING) throw new WireRejection(`key exceeds ${KEY_BYTES_MAX_CEILING} bytes`);
  return { key };
});

export const keyInspection = defineMessage<KeyInspectionMessage>('keyInspection', (fields) => {
  const record = fields.optional('record', (present) => readInspectedRecord(present.object('record')));
  const hints = fields.list('hints', KEY_INSPECTION_HINTS_MAX, (hint) => ({ target: hint.hex('target', NODE_ID_HEX_DIGITS / 2), ...readInspectedRecord(hint) }));
  return record === undefined ? { hints } : { record, hints };
});
