// The digest index of a durable clustered node: its leaves are on disk, as slots in the LMDB position
// index the store keeps in the transaction of every record change (storage/lmdb-position-index.ts),
// each leaf's version read from its record and its hash computed when needed; only the 2^16 bucket
// summaries are in memory (768 KiB, whatever the number of keys). The position index tells this one
// of every leaf change inside the write transaction; a change whose commit then fails is reverted
// through the same path.
//
// At start the buckets are summed from the leaves (a range read, a record read and a hash per leaf), in
// chunks, each inside a write transaction: a chunk sees every write before it, and a change to a bucket
// not yet summed is skipped (its chunk will read it), so the sums equal the leaves whatever the
// interleaving. Until then the unsummed buckets read as empty, which is safe: a comparison only ever
// moves newer records.

import { assert } from '../assert';
import type { LeafChange, LmdbPositionIndex, PositionedLeaf, ScanPage } from '../storage';
import { bucketEnd, bucketOfPosition, bucketStart, DIGEST_BUCKET_COUNT, DigestBuckets, type IntervalDigest } from './digest-buckets';
import { versionsAfterIn, versionsIn, type DigestSource, type IndexedVersion, type LeafEntries } from './digest-leaves';
import { positionHex, type PositionInterval } from './position-interval';

/**
 * Buckets summed per transaction at start: ~1,000 leaves at 1M keys, ~5 ms of writes held back (a leaf
 * costs ~5 µs here: its slot, its record's version and its hash; bench/RESULTS.md, "leaf slots").
 */
const SUM_BUCKETS_PER_TRANSACTION = 64;

export interface DigestBuild {
  /** Leaves written for records that had none (a data directory from before the index): once. */
  readonly leavesAdded: number;
  /** Leaves summed into the buckets. */
  readonly leaves: number;
}

export class StoredDigestIndex implements DigestSource {
  readonly #positions: LmdbPositionIndex;
  readonly #buckets = new DigestBuckets();
  readonly #entries: LeafEntries;
  /** Buckets below this one are summed; changes to the others wait for their chunk. */
  #summedBefore = 0;
  #built = false;

  constructor(positions: LmdbPositionIndex) {
    this.#positions = positions;
    this.#entries = (from, highPosition) => positions.entries(from, highPosition);
    positions.observe((change) => this.#changed(change));
  }

  get size(): number {
    return this.#buckets.size;
  }

  digest(interval: PositionInterval): IntervalDigest {
    return this.#buckets.digest(interval, (low, high) => this.#positions.entries(positionHex(low), positionHex(high)));
  }

  versions(interval: PositionInterval, limit: number): IndexedVersion[] {
    return versionsIn(this.#entries, interval, limit);
  }

  versionsAfter(interval: PositionInterval, afterKey: string | undefined, limit: number): IndexedVersion[] {
    return versionsAfterIn(this.#entries, interval, afterKey, limit);
  }

  /**
   * Gives every record a leaf if the data directory has none yet (`page`: the store's scan, tombstones
   * included), then sums the buckets. Once per process.
   */
  async build(page: (afterKey: string | undefined, limit: number) => ScanPage): Promise<DigestBuild> {
    assert(!this.#built, 'the digest index is built once');
    this.#built = true;
    const leavesAdded = await this.#positions.complete(page);
    for (let first = 0; first < DIGEST_BUCKET_COUNT; first += SUM_BUCKETS_PER_TRANSACTION) {
      const next = first + SUM_BUCKETS_PER_TRANSACTION;
      // A chunk writes nothing: should its batch fail to commit, the batch's writes are reverted
      // through #changed, which keeps these sums right.
      await this.#positions.transaction(() => this.#sum(first, next)).catch(() => undefined);
      assert(this.#summedBefore === next, 'a chunk of digest buckets was not summed');
    }
    return { leavesAdded, leaves: this.size };
  }

  #sum(first: number, next: number): void {
    for (const leaf of this.#positions.entries(positionHex(bucketStart(first)), positionHex(bucketEnd(next - 1)))) {
      this.#buckets.toggle(bucketOfPosition(leaf.position), leaf, 1);
    }
    this.#summedBefore = next;
  }

  #changed(change: LeafChange): void {
    if (change.removed !== undefined) this.#toggle(change.removed, -1);
    if (change.added !== undefined) this.#toggle(change.added, 1);
  }

  #toggle(leaf: PositionedLeaf, count: 1 | -1): void {
    const bucket = bucketOfPosition(leaf.position);
    if (bucket < this.#summedBefore) this.#buckets.toggle(bucket, leaf, count);
  }
}
