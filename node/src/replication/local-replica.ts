// This node's own store, seen as a replica; with a hint ledger, also the hints it keeps for others.
// A write sent here as a stand-in (hintFor) goes to the hints, never to the main store, which holds
// only keys this node replicates. A read sees both: a quorum read right after a sloppy-quorum write
// must find the hinted record on the stand-in it was written to.

import type { KvStore, ScanOptions, ScanPage, StoredRecord } from '../storage';
import type { HintLedger } from './hint-ledger';
import { newerWins, newestRecord } from './merge';
import type { BatchReplica, Replica, ReplicaWriteAck, ReplicaWriteOptions } from './replica';

export class LocalReplica implements Replica, BatchReplica {
  readonly nodeId: string;
  readonly #store: KvStore;
  readonly #hints: HintLedger | undefined;

  constructor(nodeId: string, store: KvStore, hints?: HintLedger) {
    this.nodeId = nodeId;
    this.#store = store;
    this.#hints = hints;
  }

  async read(key: string): Promise<StoredRecord | undefined> {
    const own = this.#store.get(key);
    const hinted = this.#hints?.forKey(key) ?? [];
    if (hinted.length === 0) return own;
    return newestRecord([own, ...hinted.map((hint) => hint.record)]);
  }

  async write(record: StoredRecord, options: ReplicaWriteOptions = {}): Promise<ReplicaWriteAck> {
    if (options.hintFor !== undefined && options.hintFor !== this.nodeId && this.#hints !== undefined) return this.#hints.accept(options.hintFor, record);
    const written = await this.#store.write(record.key, newerWins(record));
    if (written !== undefined) return { applied: true, version: written.version };
    return { applied: false, version: this.#store.get(record.key)?.version ?? record.version };
  }

  async writeBatch(records: readonly StoredRecord[], options: ReplicaWriteOptions = {}): Promise<number> {
    const { hintFor } = options;
    if (hintFor !== undefined && hintFor !== this.nodeId && this.#hints !== undefined) {
      const hints = this.#hints;
      const acks = await Promise.all(records.map((record) => hints.accept(hintFor, record)));
      return acks.filter((ack) => ack.applied).length;
    }
    const written = await this.#store.writeMany(records.map((record) => ({ key: record.key, decide: newerWins(record) })));
    return written.filter((record) => record !== undefined).length;
  }

  async scan(options: ScanOptions): Promise<ScanPage> {
    return this.#store.scan(options);
  }
}
