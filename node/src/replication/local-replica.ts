// This node's own store, seen as a replica.

import type { KvStore, ScanOptions, ScanPage, StoredRecord } from '../storage';
import { newerWins } from './merge';
import type { Replica, ReplicaWriteAck } from './replica';

export class LocalReplica implements Replica {
  readonly nodeId: string;
  readonly #store: KvStore;

  constructor(nodeId: string, store: KvStore) {
    this.nodeId = nodeId;
    this.#store = store;
  }

  async read(key: string): Promise<StoredRecord | undefined> {
    return this.#store.get(key);
  }

  async write(record: StoredRecord): Promise<ReplicaWriteAck> {
    const written = await this.#store.write(record.key, newerWins(record));
    if (written !== undefined) return { applied: true, version: written.version };
    return { applied: false, version: this.#store.get(record.key)?.version ?? record.version };
  }

  async scan(options: ScanOptions): Promise<ScanPage> {
    return this.#store.scan(options);
  }
}
