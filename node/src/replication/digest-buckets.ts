// The in-memory half of the digests anti-entropy compares: 2^16 buckets by the top 16 bits of a key's
// ring position, each holding the XOR of its leaves' hashes and their count. XOR makes a bucket
// incremental (a write XORs the old leaf out and the new one in) and an interval's digest cheap: it
// XORs the buckets the interval covers whole and walks the leaves of the (at most two per piece)
// buckets it covers in part. Where the leaves live (a B-tree in memory, an LMDB sub-database) is the
// caller's: it hands `digest` a walk over them.

import { inclusivePieces, type PositionInterval } from './position-interval';

/** Buckets by the top bits of a position: 65,536 buckets, 768 KiB of counters. */
export const DIGEST_BUCKET_BITS = 16;
export const DIGEST_BUCKET_COUNT = 1 << DIGEST_BUCKET_BITS;
const BUCKET_SHIFT = BigInt(64 - DIGEST_BUCKET_BITS);
/** The hex digits of a position that name its bucket. */
const BUCKET_HEX_DIGITS = DIGEST_BUCKET_BITS / 4;

export interface IntervalDigest {
  /** XOR of the leaf hashes, 16 hex digits; all zeros for an empty interval. */
  readonly hash: string;
  readonly count: number;
}

/** A leaf's hash: the first 64 bits of SHA-256(key, version), as two 32-bit halves. */
export interface LeafHash {
  readonly high: number;
  readonly low: number;
}

/** The leaves whose positions are in [low, high], in position order. */
export type LeafWalk = (low: bigint, high: bigint) => Iterable<LeafHash>;

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

/** The bucket of a position given as 16 hex digits. */
export function bucketOfPosition(position: string): number {
  return Number.parseInt(position.slice(0, BUCKET_HEX_DIGITS), 16);
}

function bucketOf(position: bigint): number {
  return Number(position >> BUCKET_SHIFT);
}

export function bucketStart(bucket: number): bigint {
  return BigInt(bucket) << BUCKET_SHIFT;
}

export function bucketEnd(bucket: number): bigint {
  return bucketStart(bucket + 1) - 1n;
}

export class DigestBuckets {
  readonly #high = new Uint32Array(DIGEST_BUCKET_COUNT);
  readonly #low = new Uint32Array(DIGEST_BUCKET_COUNT);
  readonly #count = new Uint32Array(DIGEST_BUCKET_COUNT);
  /** Leaves summed in all buckets. */
  size = 0;

  /** Adds a leaf to its bucket (count 1) or takes it out (count -1): XOR is its own inverse. */
  toggle(bucket: number, leaf: LeafHash, count: 1 | -1): void {
    this.#high[bucket] = (this.#high[bucket]! ^ leaf.high) >>> 0;
    this.#low[bucket] = (this.#low[bucket]! ^ leaf.low) >>> 0;
    this.#count[bucket] = this.#count[bucket]! + count;
    this.size += count;
  }

  digest(interval: PositionInterval, walk: LeafWalk): IntervalDigest {
    const sum = new Accumulator();
    for (const [low, high] of inclusivePieces(interval)) this.#addPiece(sum, low, high, walk);
    return sum.digest();
  }

  #addPiece(sum: Accumulator, low: bigint, high: bigint, walk: LeafWalk): void {
    const first = bucketOf(low);
    const last = bucketOf(high);
    if (first === last) return this.#addPartial(sum, first, low, high, walk);
    this.#addPartial(sum, first, low, bucketEnd(first), walk);
    for (let bucket = first + 1; bucket < last; bucket++) sum.add(this.#high[bucket]!, this.#low[bucket]!, this.#count[bucket]!);
    this.#addPartial(sum, last, bucketStart(last), high, walk);
  }

  /** A bucket covered whole is read from its counters; otherwise its leaves in [low, high] are walked. */
  #addPartial(sum: Accumulator, bucket: number, low: bigint, high: bigint, walk: LeafWalk): void {
    if (low === bucketStart(bucket) && high === bucketEnd(bucket)) return sum.add(this.#high[bucket]!, this.#low[bucket]!, this.#count[bucket]!);
    for (const leaf of walk(low, high)) sum.add(leaf.high, leaf.low, 1);
  }
}
