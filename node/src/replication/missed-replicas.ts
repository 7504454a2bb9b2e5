// Hints for the replicas a successful write missed (Cassandra's hinted handoff for timed-out writes;
// Dynamo's §4.6 keeps hints only on a stand-in chosen before the write). A replica that membership
// counts as up can still fail a write: its connection not yet up again after it restarted, a timeout
// under load, a link cut not yet noticed. Its W co-replicas acknowledged the write, so the client is
// answered; without a hint the missing copy would wait for a read of that key or the next anti-entropy
// pass (60 s by default). So the coordinator keeps the record as a hint for each replica that failed,
// and hinted handoff delivers it once that replica is healthy and connected: usually within a second.
//
// Only for a write that succeeded: a write refused for want of W acknowledgements must not come true
// later through hints (the client was told it failed, and a minority side's writes must stay refused).
// A failure that arrives before the quorum is remembered until the outcome is known; one that arrives
// after is kept at once. Replicas written as stand-ins are not hinted again (their write was the hint),
// nor is this node's own store (a failure there is its own disk's, logged where it happens), nor a
// replica membership held dead when the write was sent: with as many replicas as nodes it stays a
// target, and hinting every write for a member dead for hours would fill the hint store; its return
// asks for an anti-entropy pass instead (anti-entropy-service.ts, memberReturned), which copies what
// it missed within seconds. (One alive when sent and declared dead before its failure came, as a
// request into a partition times out after the suspicion ends, is hinted: those are few.)

import type { StoredRecord } from '../storage';

/** Keeps `record` as a hint owed to `nodeId`; never throws (a full hint store only counts the refusal). */
export type KeepMissed = (nodeId: string, record: StoredRecord) => void;

/** One write attempt's replicas that failed it, hinted once the attempt is known to have succeeded. */
export class MissedReplicas {
  readonly #keep: KeepMissed;
  readonly #record: StoredRecord;
  readonly #hintable: (nodeId: string) => boolean;
  #acknowledged = false;
  /** Failures before the acknowledgement (or of an attempt never acknowledged, which keeps none). */
  #waiting: string[] | undefined;

  /** `hintable` says which replicas a failure is hinted for (not this node, a stand-in, or a member held dead when the attempt began). */
  constructor(keep: KeepMissed, record: StoredRecord, hintable: (nodeId: string) => boolean) {
    this.#keep = keep;
    this.#record = record;
    this.#hintable = hintable;
  }

  /** A replica failed the write (told by the gather, before or after it settled). */
  readonly failed = (nodeId: string): void => {
    if (!this.#hintable(nodeId)) return;
    if (this.#acknowledged) return this.#keep(nodeId, this.#record);
    (this.#waiting ??= []).push(nodeId);
  };

  /**
   * The write is acknowledged: hints for the replicas failed so far (returned, for the trace) and for any
   * failing later. Not called for an attempt that failed or was superseded: that one hints nothing.
   */
  acknowledged(): readonly string[] {
    this.#acknowledged = true;
    const missed = this.#waiting ?? [];
    this.#waiting = undefined;
    for (const nodeId of missed) this.#keep(nodeId, this.#record);
    return missed;
  }
}
