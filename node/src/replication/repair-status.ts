// What `GET /cluster/repair` (and, at merge, `GET /cluster/health`) tells about anti-entropy: the pass
// in progress, if any, and the last one that completed.

export interface CompletedRepair {
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly keysRepaired: number;
  /** Bytes sent plus bytes received by the pass. */
  readonly bytesExchanged: number;
}

export interface RepairStatus {
  readonly running: boolean;
  /** Ranges of this node's share compared with every co-replica so far in the pass (running or last). */
  readonly rangesDone: number;
  readonly rangesTotal: number;
  readonly keysRepaired: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  /** When the pass in progress (or the last one) started; null before the first. */
  readonly startedAt: string | null;
  readonly lastCompleted: CompletedRepair | null;
}

/** What the HTTP layer needs of anti-entropy. */
export interface RepairControl {
  status(): RepairStatus;
  /** Starts a full pass now; false (and nothing changes) when one is already running. */
  startPass(): boolean;
}

export const idleRepairStatus: RepairStatus = {
  running: false,
  rangesDone: 0,
  rangesTotal: 0,
  keysRepaired: 0,
  bytesSent: 0,
  bytesReceived: 0,
  startedAt: null,
  lastCompleted: null,
};

/**
 * A standalone node has no co-replica: a pass over its share compares nothing and completes at once,
 * so the routes and the CLI behave the same on a cluster of one.
 */
export class StandaloneRepair implements RepairControl {
  readonly #nowMs: () => number;
  #status: RepairStatus = idleRepairStatus;

  constructor(nowMs: () => number) {
    this.#nowMs = nowMs;
  }

  status(): RepairStatus {
    return this.#status;
  }

  startPass(): boolean {
    const now = new Date(this.#nowMs()).toISOString();
    this.#status = { ...idleRepairStatus, startedAt: now, lastCompleted: { finishedAt: now, durationMs: 0, keysRepaired: 0, bytesExchanged: 0 } };
    return true;
  }
}
