// The anti-entropy protocol's messages (codes 70..73, in replication's range), carried by the Rpc like
// the replica messages. A comparison asks a co-replica for the digests of some position intervals,
// and for the (key, version) lists of the few leaves whose digests differ; the records themselves then
// move with the replica messages (replicaRead, replicaWrite). Every list and string is bounded here.

import { KEY_BYTES_MAX_CEILING } from '../limits';
import { isVersion } from '../version';
import { defineMessage, WireRejection, type FieldReader } from '../wire';
import type { IndexedVersion, IntervalDigest } from './digest-index';
import type { PositionInterval } from './position-interval';

/** Intervals per digest request (and digests per answer): 4 levels of a 16-way split, with room. */
export const ANTI_ENTROPY_INTERVALS_PER_MESSAGE_MAX = 64;
/** (key, version) pairs per keys answer. */
export const ANTI_ENTROPY_KEYS_PER_MESSAGE_MAX = 1000;
/** A leaf count as the digest carries it: the index counts in 32-bit buckets. */
const LEAF_COUNT_MAX = 2 ** 32 - 1;
const POSITION_PATTERN = /^[0-9a-f]{16}$/;
const HASH_PATTERN = /^[0-9a-f]{16}$/;

export type AntiEntropyDigestRequestMessage = { readonly type: 'antiEntropyDigestRequest'; readonly intervals: PositionInterval[] };
/** One digest per requested interval, in the request's order. */
export type AntiEntropyDigestsMessage = { readonly type: 'antiEntropyDigests'; readonly digests: IntervalDigest[] };
export type AntiEntropyKeysRequestMessage = { readonly type: 'antiEntropyKeysRequest'; readonly interval: PositionInterval; readonly limit: number };
/** `truncated` when the interval holds more than fit (the limit, or the frame): the rest waits a pass. */
export type AntiEntropyKeysMessage = { readonly type: 'antiEntropyKeys'; readonly entries: IndexedVersion[]; readonly truncated: boolean };

function readPosition(fields: FieldReader, name: string): string {
  return fields.string(name, { charsMin: 16, charsMax: 16, pattern: POSITION_PATTERN });
}

function readInterval(fields: FieldReader): PositionInterval {
  return { start: readPosition(fields, 'start'), end: readPosition(fields, 'end') };
}

function readKey(fields: FieldReader): string {
  const key = fields.string('key', { charsMin: 1, charsMax: KEY_BYTES_MAX_CEILING });
  if (Buffer.byteLength(key) > KEY_BYTES_MAX_CEILING) throw new WireRejection(`key exceeds ${KEY_BYTES_MAX_CEILING} bytes`);
  return key;
}

function readVersion(fields: FieldReader): string {
  const version = fields.string('version', { charsMin: 1, charsMax: 64 });
  if (!isVersion(version)) throw new WireRejection('version is not a version');
  return version;
}

export const antiEntropyDigestRequest = defineMessage<AntiEntropyDigestRequestMessage>('antiEntropyDigestRequest', (fields) => {
  const intervals = fields.list('intervals', ANTI_ENTROPY_INTERVALS_PER_MESSAGE_MAX, readInterval);
  if (intervals.length === 0) throw new WireRejection('intervals is empty');
  return { intervals };
});

export const antiEntropyDigests = defineMessage<AntiEntropyDigestsMessage>('antiEntropyDigests', (fields) => ({
  digests: fields.list('digests', ANTI_ENTROPY_INTERVALS_PER_MESSAGE_MAX, (digest) => ({
    hash: digest.string('hash', { charsMin: 16, charsMax: 16, pattern: HASH_PATTERN }),
    count: digest.integer('count', { min: 0, max: LEAF_COUNT_MAX }),
  })),
}));

export const antiEntropyKeysRequest = defineMessage<AntiEntropyKeysRequestMessage>('antiEntropyKeysRequest', (fields) => ({
  interval: readInterval(fields.object('interval')),
  limit: fields.integer('limit', { min: 1, max: ANTI_ENTROPY_KEYS_PER_MESSAGE_MAX }),
}));

export const antiEntropyKeys = defineMessage<AntiEntropyKeysMessage>('antiEntropyKeys', (fields) => ({
  entries: fields.list('entries', ANTI_ENTROPY_KEYS_PER_MESSAGE_MAX, (entry) => ({ key: readKey(entry), version: readVersion(entry) })),
  truncated: fields.boolean('truncated'),
}));
