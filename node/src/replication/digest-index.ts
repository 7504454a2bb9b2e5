// The digest index of a --memory node: its leaves (digest-leaves.ts) in a B-tree in the heap, ordered
// by (key position, key), folded into the 2^16 bucket summaries of digest-buckets.ts. Its records are
// in memory anyway, so its leaves are too; it is built by one scan of the store at start and kept
// current by the tracking store. A durable node keeps its leaves on disk instead
// (stored-digest-index.ts), with only the buckets in memory.

import sortedBtree from 'sorted-btree';
import { keyPosition, RING_POSITION_HEX_DIGITS } from '../ring';
import { compareVersions } from '../version';
import { bucketOfPosition, DigestBuckets, type IntervalDigest } from './digest-buckets';
import { leafHash, versionsAfterIn, versionsIn, type DigestSource, type IndexedVersion, type Leaf, type LeafEntries } from './digest-leaves';
import { positionHex, type PositionInterval } from './position-interval';

// sorted-btree is CommonJS exporting `exports.default` (see storage/memory-store.ts).
const BTree = (sortedBtree as unknown as { default?: typeof sortedBtree }).default ?? sortedBtree;

export { DIGEST_BUCKET_BITS, type IntervalDigest } from './digest-buckets';
export type { DigestSource, IndexedVersion } from './digest-leaves';

export class DigestIndex implements DigestSource {
  readonly #leaves: sortedBtree<string, Leaf> = new BTree<string, Leaf>();
  readonly #buckets = new DigestBuckets();
  readonly #entries: LeafEntries = (from, highPosition) => this.#walk(from, highPosition);

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
    const bucket = bucketOfPosition(position);
    const leaf = { key, version, ...leafHash(key, version) };
    if (existing !== undefined) this.#buckets.toggle(bucket, existing, -1);
    this.#buckets.toggle(bucket, leaf, 1);
    this.#leaves.set(treeKey, leaf);
    return true;
  }

  /** Notes that the store erased `key` at `version` (tombstone collection); a newer leaf stays. */
  forget(key: string, version: string): boolean {
    const position = keyPosition(key);
    const existing = this.#leaves.get(position + key);
    if (existing === undefined || existing.version !== version) return false;
    this.#buckets.toggle(bucketOfPosition(position), existing, -1);
    this.#leaves.delete(position + key);
    return true;
  }

  versionOf(key: string): string | undefined {
    return this.#leaves.get(keyPosition(key) + key)?.version;
  }

  digest(interval: PositionInterval): IntervalDigest {
    return this.#buckets.digest(interval, (low, high) => this.#walk(positionHex(low), positionHex(high)));
  }

  versions(interval: PositionInterval, limit: number): IndexedVersion[] {
    return versionsIn(this.#entries, interval, limit);
  }

  versionsAfter(interval: PositionInterval, afterKey: string | undefined, limit: number): IndexedVersion[] {
    return versionsAfterIn(this.#entries, interval, afterKey, limit);
  }

  *#walk(from: string, highPosition: string): Generator<Leaf> {
    for (const [treeKey, leaf] of this.#leaves.entries(from)) {
      if (treeKey.slice(0, RING_POSITION_HEX_DIGITS) > highPosition) return;
      yield leaf;
    }
  }
}
