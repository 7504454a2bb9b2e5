// The digest index of a durable clustered node: its leaves are on disk, as slots in the LMDB position
// index the store keeps in the transaction of every record change (storage/lmdb-position-index.ts),
// each leaf's version read from its record and its hash computed when needed; only the 2^16 bucket
// summaries are in memory (768 KiB, whatever the number of keys). The position index tells this one
// of every leaf change inside the write transaction; a change whose commit then fails is reverted
// through the same path.
//
// At start the buckets are summed from the records, read in key order (one sequential read, a position
// and a hash per record: every record has exactly one slot, so these are the leaves), in chunks, each
// inside a write transaction: a chunk sees every write before it, and a change to a key past the last
// one summed is skipped (a later chunk will read it), so the sums equal the leaves whatever the
// interleaving. Key order and not the slots' ring order, because reading the records in ring order is
// a random lookup per leaf, twice the cost of the rest (bench/RESULTS.md, "leaf slots"). Until the last
// chunk every bucket holds part of its leaves, which is safe: a comparison only ever moves newer
// records, and this node's own comparisons wait for the build.

import { assert } from '../assert';
import { compareKeys, type LeafChange, type LmdbPositionIndex, type PositionedLeaf, type ScanPage } from '../storage';
import { bucketOfPosition, DigestBuckets, type IntervalDigest } from './digest-buckets';
import { versionsAfterIn, versionsIn, type DigestSource, type IndexedVersion, type LeafEntries } from './digest-leaves';
import { positionHex, type PositionInterval } from './position-interval';

/**
 * Records summed per transaction at start: ~4-5 ms of writes held back (a record costs ~3 µs on Node:
 * its read in key order, its position and its leaf hash; bench/RESULTS.md, "key-order summing").
 */
const SUM_RECORDS_PER_TRANSACTION = 1500;

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
  /** The last key summed: the leaves of keys up to it (in key order) are in the sums; changes to the others wait for their chunk. */
  #summedThrough: string | undefined;
  #summedAll = false;
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
    while (!this.#summedAll) {
      const before = this.#summedThrough;
      // A chunk writes nothing: should its batch fail to commit, the batch's writes are reverted
      // through #changed, which keeps these sums right.
      await this.#positions.transaction(() => this.#sumAfter(page)).catch(() => undefined);
      assert(this.#summedAll || this.#summedThrough !== before, 'a chunk of digest leaves was not summed');
    }
    return { leavesAdded, leaves: this.size };
  }

  #sumAfter(page: (afterKey: string | undefined, limit: number) => ScanPage): void {
    const scanned = page(this.#summedThrough, SUM_RECORDS_PER_TRANSACTION);
    for (const record of scanned.records) {
      const leaf = this.#positions.leafOfEvery(record.key, record.version);
      this.#buckets.toggle(bucketOfPosition(leaf.position), leaf, 1);
    }
    if (scanned.resumeAfterKey === undefined) this.#summedAll = true;
    else this.#summedThrough = scanned.resumeAfterKey;
  }

  #changed(change: LeafChange): void {
    if (change.removed !== undefined) this.#toggle(change.removed, -1);
    if (change.added !== undefined) this.#toggle(change.added, 1);
  }

  #toggle(leaf: PositionedLeaf, count: 1 | -1): void {
    const summed = this.#summedAll || (this.#summedThrough !== undefined && compareKeys(leaf.key, this.#summedThrough) <= 0);
    if (summed) this.#buckets.toggle(bucketOfPosition(leaf.position), leaf, count);
  }
}
