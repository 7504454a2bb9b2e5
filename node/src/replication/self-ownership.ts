// This node's own part in the ring (ring/ring-ownership.ts), kept in the store's metadata so that a
// restart resumes it: an owner stays an owner, a joiner goes on joining (its transfers resume too).
//
// Where a node starts: as it left off if it persisted a state; an owner if it founds a cluster (no
// --bootstrap) or routed by a ring in a previous life (a data directory older than these states);
// joining otherwise, i.e. a node started with --bootstrap that has never been part of a ring.

import type { Logger } from '../log';
import { isRingOwnership, type RingOwnership } from '../ring';

/** Where the node keeps its ownership state, in the store's metadata. */
export const RING_OWNERSHIP_META = 'ring-ownership';

export interface OwnershipStore {
  getMeta(name: string): string | undefined;
  setMeta(name: string, value: string): Promise<void>;
}

export interface InitialOwnership {
  readonly store: OwnershipStore;
  /** Started without --bootstrap: the first node of its DHT founds the cluster. */
  readonly founder: boolean;
  /** Ring members remembered from a previous life: a node that has them was part of a ring. */
  readonly rememberedMembers: readonly string[];
}

export function initialOwnership({ store, founder, rememberedMembers }: InitialOwnership): RingOwnership {
  const persisted = store.getMeta(RING_OWNERSHIP_META);
  if (isRingOwnership(persisted)) return persisted;
  return founder || rememberedMembers.length > 0 ? 'owner' : 'joining';
}

export class SelfOwnership {
  readonly #store: OwnershipStore;
  readonly #logger: Logger;
  readonly #listeners = new Set<(ownership: RingOwnership) => void>();
  #current: RingOwnership;

  constructor(store: OwnershipStore, logger: Logger, initial: RingOwnership) {
    this.#store = store;
    this.#logger = logger;
    this.#current = initial;
  }

  get current(): RingOwnership {
    return this.#current;
  }

  /** Moves to `next` (nothing when already there), persists it, and tells the listeners. */
  async become(next: RingOwnership, reason: string): Promise<void> {
    if (next === this.#current) return;
    const previous = this.#current;
    this.#current = next;
    await this.#store.setMeta(RING_OWNERSHIP_META, next);
    this.#logger.info('ring.ownership_changed', { from: previous, to: next, reason });
    for (const listener of this.#listeners) listener(next);
  }

  /** Calls `listener` on every change; returns the unsubscribe function. */
  onChange(listener: (ownership: RingOwnership) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
