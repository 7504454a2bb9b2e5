// The layer between the HTTP routes and the data: every client operation is coordinated here. On a
// single node it applies operations to the local store; the cluster issue turns it into a Dynamo-style
// coordinator (preference list, W/R quorums, sloppy quorum) without the routes changing.
//
// Versions: each write gets a hybrid-logical-clock version greater than the one it replaces (the clock
// observes the current record inside the write transaction), so a key's versions only ever increase
// even if the wall clock steps back. Deletes write tombstones.

import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import { SwarmError } from '../errors';
import { GENERATED_KEY_ATTEMPTS_MAX } from '../limits';
import { isTombstone, type KvStore, type StoredRecord } from '../storage';
import { formatVersion, parseVersion, type HybridLogicalClock } from '../version';
import { decodeCursor, encodeCursor } from './list-cursor';

export interface ListRequest {
  readonly prefix: string;
  readonly limit: number;
  readonly cursor: string | undefined;
}

export interface ListedKey {
  readonly key: string;
  readonly version: string;
  readonly updatedAtMs: number;
}

export interface ListPage {
  readonly items: ListedKey[];
  readonly next: string | null;
}

export class Coordinator {
  readonly #store: KvStore;
  readonly #hlc: HybridLogicalClock;
  readonly #clock: Clock;

  constructor(store: KvStore, hlc: HybridLogicalClock, clock: Clock) {
    this.#store = store;
    this.#hlc = hlc;
    this.#clock = clock;
  }

  /** The live record for a key; not_found when it is absent or deleted. */
  get(key: string): StoredRecord {
    const record = this.#store.get(key);
    if (record === undefined || isTombstone(record)) throw notFound(key);
    return record;
  }

  /** Creates or replaces a key's value. */
  async put(key: string, valueJson: string): Promise<StoredRecord> {
    const written = await this.#store.write(key, (current) => this.#nextRecord(key, valueJson, current));
    return written!;
  }

  /** Creates a key that must not exist yet (a tombstone counts as absent); conflict otherwise. */
  async create(key: string, valueJson: string): Promise<StoredRecord> {
    const written = await this.#store.write(key, (current) =>
      current !== undefined && !isTombstone(current) ? undefined : this.#nextRecord(key, valueJson, current),
    );
    if (written === undefined) throw new SwarmError('conflict', `the key ${JSON.stringify(key)} already exists`, { key });
    return written;
  }

  /** Creates a value under a fresh, unique key. */
  async createWithGeneratedKey(valueJson: string): Promise<StoredRecord> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.create(randomUUID(), valueJson);
      } catch (error) {
        if (!(error instanceof SwarmError && error.code === 'conflict') || attempt >= GENERATED_KEY_ATTEMPTS_MAX) throw error;
      }
    }
  }

  /** Deletes a live key by writing a tombstone; not_found when there is nothing live to delete. */
  async delete(key: string): Promise<StoredRecord> {
    const written = await this.#store.write(key, (current) =>
      current === undefined || isTombstone(current) ? undefined : this.#nextRecord(key, null, current),
    );
    if (written === undefined) throw notFound(key);
    return written;
  }

  list(request: ListRequest): ListPage {
    const afterKey = request.cursor === undefined ? undefined : decodeCursor(request.cursor, request.prefix);
    const page = this.#store.scan({ prefix: request.prefix, afterKey, limit: request.limit });
    return {
      items: page.records.map((record) => ({ key: record.key, version: record.version, updatedAtMs: record.updatedAtMs })),
      next: page.resumeAfterKey === undefined ? null : encodeCursor(page.resumeAfterKey),
    };
  }

  #nextRecord(key: string, valueJson: string | null, current: StoredRecord | undefined): StoredRecord {
    if (current !== undefined) {
      const currentVersion = parseVersion(current.version);
      if (currentVersion) this.#hlc.observe(currentVersion);
    }
    return { key, valueJson, version: formatVersion(this.#hlc.now()), updatedAtMs: this.#clock.nowMs() };
  }
}

function notFound(key: string): SwarmError {
  return new SwarmError('not_found', `no value for key ${JSON.stringify(key)}`, { key });
}
