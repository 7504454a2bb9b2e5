// The replica a node serves (its peers, and its own coordinator) while it leaves its cluster. Until
// the node closes it, writes land as usual (some coordinators still route here until they hear of the
// departure). From then on, writes are refused as `unavailable` (reason `leaving`): a coordinator counts
// this replica as failed, exactly as if it were gone, and the hand-over, which starts only once the
// writes already accepted have landed, reads a store that no longer changes under it. Reads stay
// served throughout.
//
// A leave streams the whole store while writes still land, then closes the gate and sends what changed
// meanwhile: the gate remembers the keys written since `trackChanges()` (at most `changedKeysMax` of
// them; past that it says so, and the leave sends the whole store again). A leave that fails reopens it.

import { SwarmError } from '../errors';
import type { ScanOptions, ScanPage, StoredRecord } from '../storage';
import type { BatchReplica, Replica, ReplicaWriteAck, ReplicaWriteOptions } from './replica';

/** The keys written since tracking began, or `overflowed` when there were more than the bound. */
export type ChangedKeys = ReadonlySet<string> | 'overflowed';

export class DepartureGate implements Replica, BatchReplica {
  readonly nodeId: string;
  readonly #inner: Replica & BatchReplica;
  #writesInFlight = 0;
  #closed = false;
  #settled: (() => void) | undefined;
  #drained: Promise<void> | undefined;
  #changed: Set<string> | 'overflowed' | undefined;
  #changedKeysMax = 0;

  constructor(inner: Replica & BatchReplica) {
    this.nodeId = inner.nodeId;
    this.#inner = inner;
  }

  read(key: string): Promise<StoredRecord | undefined> {
    return this.#inner.read(key);
  }

  scan(options: ScanOptions): Promise<ScanPage> {
    return this.#inner.scan(options);
  }

  write(record: StoredRecord, options?: ReplicaWriteOptions): Promise<ReplicaWriteAck> {
    return this.#admitted(async () => {
      const ack = await this.#inner.write(record, options);
      if (options?.hintFor === undefined) this.#noteChanged(record.key);
      return ack;
    });
  }

  writeBatch(records: readonly StoredRecord[], options?: ReplicaWriteOptions): Promise<number> {
    return this.#admitted(async () => {
      const applied = await this.#inner.writeBatch(records, options);
      if (options?.hintFor === undefined) for (const record of records) this.#noteChanged(record.key);
      return applied;
    });
  }

  /** Runs a write unless the gate is closed, counted among those closeToWrites() waits for. */
  async #admitted<T>(write: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new SwarmError('unavailable', `node ${this.nodeId} is leaving its cluster and takes no more writes`, { reason: 'leaving' });
    this.#writesInFlight += 1;
    try {
      return await write();
    } finally {
      this.#writesInFlight -= 1;
      if (this.#writesInFlight === 0) this.#settled?.();
    }
  }

  /** Starts remembering the keys written from now on, at most `changedKeysMax` of them. */
  trackChanges(changedKeysMax: number): void {
    this.#changed = new Set();
    this.#changedKeysMax = changedKeysMax;
  }

  /** The keys written since trackChanges(); an empty set when not tracking. */
  changedKeys(): ChangedKeys {
    return this.#changed ?? new Set();
  }

  /** Refuses every write from now on; resolves once the writes accepted before have landed. Idempotent. */
  closeToWrites(): Promise<void> {
    this.#closed = true;
    this.#drained ??= this.#writesInFlight === 0 ? Promise.resolve() : new Promise((resolve) => (this.#settled = resolve));
    return this.#drained;
  }

  /** Takes writes again (a leave that could not finish) and stops tracking changes. */
  reopen(): void {
    this.#closed = false;
    this.#drained = undefined;
    this.#settled = undefined;
    this.#changed = undefined;
  }

  #noteChanged(key: string): void {
    if (this.#changed === undefined || this.#changed === 'overflowed') return;
    this.#changed.add(key);
    if (this.#changed.size > this.#changedKeysMax) this.#changed = 'overflowed';
  }
}
