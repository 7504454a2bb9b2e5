// Per-key mutual exclusion for the coordinator's read-check-write operations (create-if-absent,
// delete-if-present). Without it, twenty concurrent POSTs of one key all read "absent" before any of
// them writes, and all twenty are told they created it.
//
// The lock lives on the coordinating node only. Two coordinators in a cluster can still both create
// one key at the same moment: each checks its own read quorum, and the later version wins on every
// replica. That is the BASE bargain (no cross-node consensus on the request path); the lock makes the
// promise exact for requests that meet on one node, which is every request on a standalone node.

import { SwarmError } from '../errors';
import { KEY_LOCK_WAITERS_MAX, KEY_LOCKS_MAX } from '../limits';

interface KeyQueue {
  /** Settles when the last holder queued so far has finished: the next one waits on it. */
  tail: Promise<void>;
  /** Holders and waiters of this key, the running one included. At 0 the entry is removed. */
  queued: number;
}

export interface KeyLockBounds {
  readonly keysMax: number;
  readonly waitersMax: number;
}

export class CoordinatorKeyLocks {
  readonly #queues = new Map<string, KeyQueue>();
  readonly #bounds: KeyLockBounds;

  constructor(bounds: KeyLockBounds = { keysMax: KEY_LOCKS_MAX, waitersMax: KEY_LOCK_WAITERS_MAX }) {
    this.#bounds = bounds;
  }

  /** Keys locked or waited on right now (for tests: the table empties once work is done). */
  get size(): number {
    return this.#queues.size;
  }

  /**
   * Runs `work` once every earlier `withKey` of the same key has settled, in arrival order. Refuses at
   * once, with 503 unavailable, when the table or the key's queue is full.
   */
  async withKey<T>(key: string, work: () => Promise<T>): Promise<T> {
    let queue = this.#queues.get(key);
    if (queue === undefined) {
      if (this.#queues.size >= this.#bounds.keysMax) throw busy(`${this.#queues.size} keys are being created or deleted`);
      queue = { tail: Promise.resolve(), queued: 0 };
      this.#queues.set(key, queue);
    } else if (queue.queued >= this.#bounds.waitersMax) {
      throw busy(`${queue.queued} requests are already waiting to create or delete this key`);
    }
    const previous = queue.tail;
    let release!: () => void;
    queue.tail = new Promise<void>((resolve) => (release = resolve));
    queue.queued += 1;
    try {
      await previous;
      return await work();
    } finally {
      queue.queued -= 1;
      // Nobody queued behind us (a newcomer would have raised `queued` synchronously): drop the entry.
      if (queue.queued === 0) this.#queues.delete(key);
      release();
    }
  }
}

function busy(message: string): SwarmError {
  return new SwarmError('unavailable', `this node is busy: ${message}; retry`, { reason: 'busy' });
}
