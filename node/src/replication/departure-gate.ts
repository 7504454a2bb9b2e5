// The replica a node serves its peers while it leaves its cluster. Until the node starts handing over,
// peers' writes land as usual (some still route here until they hear of the departure). From then on,
// writes are refused as `unavailable` (reason `leaving`): a peer's coordinator counts this replica as
// failed, exactly as if it were gone, and the hand-over, which starts only once the writes already
// accepted have landed, reads a store that no longer changes under it. Reads stay served throughout.

import { SwarmError } from '../errors';
import type { ScanOptions, ScanPage, StoredRecord } from '../storage';
import type { Replica, ReplicaWriteAck, ReplicaWriteOptions } from './replica';

export class DepartureGate implements Replica {
  readonly nodeId: string;
  readonly #inner: Replica;
  #writesInFlight = 0;
  #closed = false;
  #settled: (() => void) | undefined;
  #drained: Promise<void> | undefined;

  constructor(inner: Replica) {
    this.nodeId = inner.nodeId;
    this.#inner = inner;
  }

  read(key: string): Promise<StoredRecord | undefined> {
    return this.#inner.read(key);
  }

  scan(options: ScanOptions): Promise<ScanPage> {
    return this.#inner.scan(options);
  }

  async write(record: StoredRecord, options?: ReplicaWriteOptions): Promise<ReplicaWriteAck> {
    if (this.#closed) throw new SwarmError('unavailable', `node ${this.nodeId} is leaving its cluster and takes no more writes`, { reason: 'leaving' });
    this.#writesInFlight += 1;
    try {
      return await this.#inner.write(record, options);
    } finally {
      this.#writesInFlight -= 1;
      if (this.#writesInFlight === 0) this.#settled?.();
    }
  }

  /** Refuses every write from now on; resolves once the writes accepted before have landed. Idempotent. */
  closeToWrites(): Promise<void> {
    this.#closed = true;
    this.#drained ??= this.#writesInFlight === 0 ? Promise.resolve() : new Promise((resolve) => (this.#settled = resolve));
    return this.#drained;
  }
}
