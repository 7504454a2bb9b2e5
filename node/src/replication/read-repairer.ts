// Read repair: when a read sees replicas disagree, the newest record is written back to the ones that
// answered with something older (or nothing). Fire-and-forget, and bounded: past a number in flight,
// repairs are dropped and left to the next read or to anti-entropy.

import { READ_REPAIRS_IN_FLIGHT_MAX } from '../limits';
import type { StoredRecord } from '../storage';
import { compareVersions } from '../version';
import type { ReplicaDirectory } from './placement';
import type { Reply } from './quorum';
import type { ReplicaWriteOptions } from './replica';

export class ReadRepairer {
  readonly #directory: ReplicaDirectory;
  #inFlight = 0;
  /** Repairs sent and dropped, for metrics and tests. */
  sent = 0;
  dropped = 0;

  constructor(directory: ReplicaDirectory) {
    this.#directory = directory;
  }

  /**
   * `standIns`: replies from stand-ins are repaired as hints for the replica each covers for. Returns the
   * replicas a repair was sent to, or undefined when none was (every replica agreed: the common case,
   * which allocates nothing).
   */
  repairStale(newest: StoredRecord, replies: readonly Reply<StoredRecord | undefined>[], standIns: ReadonlyMap<string, ReplicaWriteOptions> = new Map()): string[] | undefined {
    let repaired: string[] | undefined;
    for (const { nodeId, value } of replies) {
      if (value !== undefined && compareVersions(value.version, newest.version) >= 0) continue;
      const replica = this.#directory.replica(nodeId);
      if (replica === undefined) continue;
      if (this.#inFlight >= READ_REPAIRS_IN_FLIGHT_MAX) {
        this.dropped += 1;
        continue;
      }
      this.#inFlight += 1;
      this.sent += 1;
      (repaired ??= []).push(nodeId);
      replica
        .write(newest, standIns.get(nodeId))
        .catch(() => undefined)
        .finally(() => (this.#inFlight -= 1));
    }
    return repaired;
  }
}
