// A store that keeps a DigestIndex up to date: every write that lands is recorded in the index, whoever
// made it (a coordinator, a peer's replica write, read repair, anti-entropy, hinted handoff), and every
// erase (tombstone collection) takes its leaf out. The composition root wraps the node's store in it,
// so no write path can bypass the digests.

import { LIST_LIMIT_MAX } from '../limits';
import type { KeyedDecision, KvStore, MetaEntry, ScanOptions, ScanPage, StoreStats, StoredRecord, WriteDecision } from '../storage';
import type { DigestIndex } from './digest-index';

export class DigestTrackingStore implements KvStore {
  readonly engine: KvStore['engine'];
  readonly index: DigestIndex;
  readonly #inner: KvStore;

  constructor(inner: KvStore, index: DigestIndex) {
    this.#inner = inner;
    this.index = index;
    this.engine = inner.engine;
  }

  get(key: string): StoredRecord | undefined {
    return this.#inner.get(key);
  }

  async write(key: string, decide: WriteDecision): Promise<StoredRecord | undefined> {
    const written = await this.#inner.write(key, decide);
    if (written !== undefined) this.index.record(written.key, written.version);
    return written;
  }

  async writeMany(entries: readonly KeyedDecision[], alsoSetMeta?: MetaEntry): Promise<(StoredRecord | undefined)[]> {
    const written = await this.#inner.writeMany(entries, alsoSetMeta);
    for (const record of written) if (record !== undefined) this.index.record(record.key, record.version);
    return written;
  }

  async erase(key: string, version: string): Promise<boolean> {
    const erased = await this.#inner.erase(key, version);
    if (erased) this.index.forget(key, version);
    return erased;
  }

  scan(options: ScanOptions): ScanPage {
    return this.#inner.scan(options);
  }

  stats(): StoreStats {
    return this.#inner.stats();
  }

  getMeta(name: string): string | undefined {
    return this.#inner.getMeta(name);
  }

  setMeta(name: string, value: string): Promise<void> {
    return this.#inner.setMeta(name, value);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}

/**
 * Builds the index with one scan of the store, a page at a time, yielding to the event loop between
 * pages so that a large store does not stall requests. Writes that land meanwhile are recorded by the
 * tracking store; `DigestIndex.record` keeps the newer version, so the order does not matter.
 */
export async function indexStore(store: KvStore, index: DigestIndex): Promise<number> {
  let afterKey: string | undefined;
  let scanned = 0;
  for (;;) {
    const page = store.scan({ limit: LIST_LIMIT_MAX, includeTombstones: true, ...(afterKey === undefined ? {} : { afterKey }) });
    for (const record of page.records) index.record(record.key, record.version);
    scanned += page.records.length;
    if (page.resumeAfterKey === undefined) return scanned;
    afterKey = page.resumeAfterKey;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
