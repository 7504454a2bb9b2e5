// What a clustered node gossips about itself in its membership metadata, kept current.

import { KEY_COUNT_METADATA } from './api';
import type { MembershipService, MemberMetadata } from './membership';
import type { RingPlacement, SelfOwnership } from './replication';
import { PENDING_RING_DIGEST_METADATA, RING_DIGEST_METADATA, RING_OWNERSHIP_METADATA } from './ring';
import type { KvStore } from './storage';

/** How often a node re-publishes its live key count in its membership metadata (when it changed). */
export const KEY_COUNT_PUBLISH_INTERVAL_MS = 5000;

/**
 * What this node tells others about itself on every ping and ack: its live key count (refreshed on a
 * timer, not on every write), its ring ownership, and the digests of the current and pending rings it
 * routes by, so any node can see whether the cluster's rings converged (a joiner waits for that).
 */
export class SelfMetadata {
  readonly #membership: MembershipService;
  readonly #store: KvStore;
  readonly #placement: RingPlacement;
  readonly #ownership: SelfOwnership;
  #keys: number;
  /** The rings and ownership last announced, so that a repeated `changed()` announces nothing new. */
  #announced = '';
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(membership: MembershipService, store: KvStore, placement: RingPlacement, ownership: SelfOwnership) {
    this.#membership = membership;
    this.#store = store;
    this.#placement = placement;
    this.#ownership = ownership;
    this.#keys = store.stats().liveKeys;
  }

  get current(): MemberMetadata {
    return {
      [KEY_COUNT_METADATA]: this.#keys,
      [RING_DIGEST_METADATA]: this.#placement.current().ring.digest,
      [PENDING_RING_DIGEST_METADATA]: this.#placement.pending().ring.digest,
      [RING_OWNERSHIP_METADATA]: this.#ownership.current,
    };
  }

  start(): void {
    this.#timer = setInterval(() => {
      const liveKeys = this.#store.stats().liveKeys;
      if (liveKeys !== this.#keys) this.#publish(liveKeys);
    }, KEY_COUNT_PUBLISH_INTERVAL_MS);
    this.#timer.unref();
  }

  /** The rings or this node's ownership changed: tell every reachable member now (membership-step.ts). */
  changed(): void {
    // Deferred: this runs inside a membership listener, and the state machine is not re-entered there.
    queueMicrotask(() => this.#publish(this.#keys, true));
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #publish(keys: number, changed = false): void {
    this.#keys = keys;
    const metadata = this.current;
    const routing = `${metadata[RING_DIGEST_METADATA]} ${metadata[PENDING_RING_DIGEST_METADATA]} ${metadata[RING_OWNERSHIP_METADATA]}`;
    const announce = changed && routing !== this.#announced;
    if (announce) this.#announced = routing;
    this.#membership.setMetadata(metadata, { announce });
  }
}
