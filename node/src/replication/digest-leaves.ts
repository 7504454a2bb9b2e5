// The leaves of the digests: every record a node holds (tombstones included: a delete is data) is a
// leaf (key, version, a 64-bit hash of both) at its key's ring position. Both indexes (in memory for a
// --memory node, in LMDB beside the records for a durable one) answer anti-entropy's and range
// transfer's questions the same way from an ordered walk over their leaves; that is this file.

import { assert } from '../assert';
import { keyPosition, keyPositionUncached, RING_POSITION_HEX_DIGITS } from '../ring';
import { sha256First64Bits } from '../sha256';
import { LEAF_POSITION_HEX_DIGITS, type LeafHasher } from '../storage';
import type { IntervalDigest, LeafHash } from './digest-buckets';
import { inclusivePieces, positionHex, type PositionInterval } from './position-interval';

export interface IndexedVersion {
  readonly key: string;
  readonly version: string;
}

export type Leaf = IndexedVersion & LeafHash;

/**
 * The leaves from `from` (a position, or a position followed by a key: a cursor) on, in order of
 * (position, key), while their position is at most `highPosition`.
 */
export type LeafEntries = (from: string, highPosition: string) => Iterable<Leaf>;

/** What anti-entropy and range transfers read: digests of intervals and their leaves. */
export interface DigestSource {
  /** Leaves summed so far (every record once the index is built). */
  readonly size: number;
  digest(interval: PositionInterval): IntervalDigest;
  /** The leaves in the interval, at most `limit`, in position order. */
  versions(interval: PositionInterval, limit: number): IndexedVersion[];
  /**
   * As `versions`, resuming after `afterKey` (a key the interval holds, or undefined to start at the
   * interval's start): a range transfer pages through an interval with it, in position order.
   */
  versionsAfter(interval: PositionInterval, afterKey: string | undefined, limit: number): IndexedVersion[];
}

/** A leaf's hash is the first 64 bits of SHA-256(key, version). */
export function leafHash(key: string, version: string): LeafHash {
  return sha256First64Bits(`${key}\n${version}`);
}

assert(LEAF_POSITION_HEX_DIGITS === RING_POSITION_HEX_DIGITS, 'the position index keys leaves by ring positions');

/** Positions and hashes for the LMDB position index (storage cannot import the ring). */
export const leafHasher: LeafHasher = { position: keyPosition, positionOfEvery: keyPositionUncached, hash: leafHash };

export function versionsIn(entries: LeafEntries, interval: PositionInterval, limit: number): IndexedVersion[] {
  const found: IndexedVersion[] = [];
  for (const [low, high] of inclusivePieces(interval)) {
    for (const leaf of entries(positionHex(low), positionHex(high))) {
      if (found.length >= limit) return found;
      found.push({ key: leaf.key, version: leaf.version });
    }
  }
  return found;
}

export function versionsAfterIn(entries: LeafEntries, interval: PositionInterval, afterKey: string | undefined, limit: number): IndexedVersion[] {
  const pieces = inclusivePieces(interval);
  const cursor = afterKey === undefined ? undefined : keyPosition(afterKey) + afterKey;
  const cursorValue = cursor === undefined ? undefined : BigInt(`0x${cursor.slice(0, RING_POSITION_HEX_DIGITS)}`);
  const first = cursorValue === undefined ? 0 : pieces.findIndex(([low, high]) => cursorValue >= low && cursorValue <= high);
  const found: IndexedVersion[] = [];
  if (first < 0) return found;
  for (const [index, [low, high]] of pieces.entries()) {
    if (index < first) continue;
    const from = index === first && cursor !== undefined ? cursor : positionHex(low);
    for (const leaf of entries(from, positionHex(high))) {
      if (index === first && leaf.key === afterKey) continue;
      if (found.length >= limit) return found;
      found.push({ key: leaf.key, version: leaf.version });
    }
  }
  return found;
}
