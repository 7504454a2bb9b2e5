// The digests anti-entropy compares: every record this node holds (tombstones included: a delete is
// data) contributes a leaf hash of (key, version), and an interval of ring positions is summarised by
// the XOR of its leaves' hashes and their count. XOR makes the summary incremental: a write XORs the
// old leaf out and the new one in, in O(1), so digests never need a rebuild after the start-up scan.
//
// Leaves are kept in a B-tree ordered by (key position, key), and folded into 2^16 buckets by the top
// 16 bits of the position. An interval's digest XORs the buckets it covers whole and walks the leaves
// of the (at most two per piece) buckets it covers in part, so a range's digest costs a few hundred
// bucket reads, and the leaves of a small interval can be listed without touching the store.

import { createHash } from 'node:crypto';
import sortedBtree from 'sorted-btree';
import { keyPosition, RING_POSITION_HEX_DIGITS } from '../ring';
import { compareVersions } from '../version';
import { inclusivePieces, positionHex, type PositionInterval } from './position-interval';

// sorted-btree is CommonJS exporting `exports.default` (see storage/memory-store.ts).
const BTree = (sortedBtree as unknown as { default?: typeof sortedBtree }).default ?? sortedBtree;

/** Buckets by the top bits of a position: 65,536 buckets, 768 KiB of counters. */
export const DIGEST_BUCKET_BITS = 16;
const BUCKET_COUNT = 1 << DIGEST_BUCKET_BITS;
const BUCKET_SHIFT = BigInt(64 - DIGEST_BUCKET_BITS);
/** A leaf hash is the first 64 bits of SHA-256(key, version), kept as two 32-bit halves. */
export const DIGEST_HASH_HEX_DIGITS = 16;

export interface IntervalDigest {
  /** XOR of the leaf hashes, 16 hex digits; all zeros for an empty interval. */
  readonly hash: string;
  readonly count: number;
}

export interface IndexedVersion {
  readonly key: string;
  readonly version: string;
}

interface Leaf extends IndexedVersion {
  readonly high: number;
  readonly low: number;
}

class Accumulator {
  high = 0;
  low = 0;
  count = 0;

  add(high: number, low: number, count: number): void {
    this.high = (this.high ^ high) >>> 0;
    this.low = (this.low ^ low) >>> 0;
    this.count += count;
  }

  digest(): IntervalDigest {
    return { hash: this.high.toString(16).padStart(8, '0') + this.low.toString(16).padStart(8, '0'), count: this.count };
  }
}

function leafOf(key: string, version: string): Leaf {
  const hash = createHash('sha256').update(`${key}\n${version}`).digest();
  return { key, version, high: hash.readUInt32BE(0), low: hash.readUInt32BE(4) };
}

function bucketOf(position: bigint): number {
  return Number(position >> BUCKET_SHIFT);
}

function bucketStart(bucket: number): bigint {
  return BigInt(bucket) << BUCKET_SHIFT;
}

function bucketEnd(bucket: number): bigint {
  return bucketStart(bucket + 1) - 1n;
}

export class DigestIndex {
  readonly #leaves: sortedBtree<string, Leaf> = new BTree<string, Leaf>();
  readonly #high = new Uint32Array(BUCKET_COUNT);
  readonly #low = new Uint32Array(BUCKET_COUNT);
  readonly #count = new Uint32Array(BUCKET_COUNT);

  get size(): number {
    return this.#leaves.size;
  }

  /**
   * Notes that the store holds `version` for `key`. Versions of a key only grow in the store, so an
   * older one than the index has is ignored: updates then commute, and the start-up scan may race
   * with live writes in any order and still end at the store's state.
   */
  record(key: string, version: string): boolean {
    const position = keyPosition(key);
    const treeKey = position + key;
    const existing = this.#leaves.get(treeKey);
    if (existing !== undefined && compareVersions(existing.version, version) >= 0) return false;
    const bucket = bucketOf(BigInt(`0x${position}`));
    const leaf = leafOf(key, version);
    if (existing !== undefined) this.#toggle(bucket, existing, -1);
    this.#toggle(bucket, leaf, 1);
    this.#leaves.set(treeKey, leaf);
    return true;
  }

  /** Notes that the store erased `key` at `version` (tombstone collection); a newer leaf stays. */
  forget(key: string, version: string): boolean {
    const position = keyPosition(key);
    const existing = this.#leaves.get(position + key);
    if (existing === undefined || existing.version !== version) return false;
    this.#toggle(bucketOf(BigInt(`0x${position}`)), existing, -1);
    this.#leaves.delete(position + key);
    return true;
  }

  versionOf(key: string): string | undefined {
    return this.#leaves.get(keyPosition(key) + key)?.version;
  }

  digest(interval: PositionInterval): IntervalDigest {
    const sum = new Accumulator();
    for (const [low, high] of inclusivePieces(interval)) this.#addPiece(sum, low, high);
    return sum.digest();
  }

  /** The leaves in the interval, at most `limit`, in position order. */
  versions(interval: PositionInterval, limit: number): IndexedVersion[] {
    const found: IndexedVersion[] = [];
    for (const [low, high] of inclusivePieces(interval)) {
      for (const leaf of this.#walk(low, high)) {
        if (found.length >= limit) return found;
        found.push({ key: leaf.key, version: leaf.version });
      }
    }
    return found;
  }

  /**
   * As `versions`, resuming after `afterKey` (a key the interval holds, or undefined to start at the
   * interval's start): a range transfer pages through an interval with it, in position order.
   */
  versionsAfter(interval: PositionInterval, afterKey: string | undefined, limit: number): IndexedVersion[] {
    const pieces = inclusivePieces(interval);
    const cursor = afterKey === undefined ? undefined : keyPosition(afterKey) + afterKey;
    const cursorValue = cursor === undefined ? undefined : BigInt(`0x${cursor.slice(0, RING_POSITION_HEX_DIGITS)}`);
    const first = cursorValue === undefined ? 0 : pieces.findIndex(([low, high]) => cursorValue >= low && cursorValue <= high);
    const found: IndexedVersion[] = [];
    if (first < 0) return found;
    for (const [index, [low, high]] of pieces.entries()) {
      if (index < first) continue;
      const highHex = positionHex(high);
      const from = index === first && cursor !== undefined ? cursor : positionHex(low);
      for (const [treeKey, leaf] of this.#leaves.entries(from)) {
        if (treeKey.slice(0, RING_POSITION_HEX_DIGITS) > highHex) break;
        if (treeKey === cursor) continue;
        if (found.length >= limit) return found;
        found.push({ key: leaf.key, version: leaf.version });
      }
    }
    return found;
  }

  #toggle(bucket: number, leaf: Leaf, count: number): void {
    this.#high[bucket] = (this.#high[bucket]! ^ leaf.high) >>> 0;
    this.#low[bucket] = (this.#low[bucket]! ^ leaf.low) >>> 0;
    this.#count[bucket] = this.#count[bucket]! + count;
  }

  #addPiece(sum: Accumulator, low: bigint, high: bigint): void {
    const first = bucketOf(low);
    const last = bucketOf(high);
    if (first === last) return this.#addPartial(sum, first, low, high);
    this.#addPartial(sum, first, low, bucketEnd(first));
    for (let bucket = first + 1; bucket < last; bucket++) sum.add(this.#high[bucket]!, this.#low[bucket]!, this.#count[bucket]!);
    this.#addPartial(sum, last, bucketStart(last), high);
  }

  /** A bucket covered whole is read from its counters; otherwise its leaves in [low, high] are walked. */
  #addPartial(sum: Accumulator, bucket: number, low: bigint, high: bigint): void {
    if (low === bucketStart(bucket) && high === bucketEnd(bucket)) return sum.add(this.#high[bucket]!, this.#low[bucket]!, this.#count[bucket]!);
    for (const leaf of this.#walk(low, high)) sum.add(leaf.high, leaf.low, 1);
  }

  *#walk(low: bigint, high: bigint): Generator<Leaf> {
    const highHex = positionHex(high);
    for (const [treeKey, leaf] of this.#leaves.entries(positionHex(low))) {
      if (treeKey.slice(0, RING_POSITION_HEX_DIGITS) > highHex) return;
      yield leaf;
    }
  }
}
