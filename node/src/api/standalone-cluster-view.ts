// The cluster as a standalone node sees it: itself, owning the whole ring.

import type { Clock } from '../clock';
import type { KvStore } from '../storage';
import type { ClusterView, KeyLocation, MemberView, RingView } from './cluster-view';

export interface StandaloneIdentity {
  readonly nodeId: string;
  readonly name: string;
  readonly httpAddress: string;
}

const RING_TOP = 'ffffffffffffffff';

export class StandaloneClusterView implements ClusterView {
  readonly #identity: StandaloneIdentity;
  readonly #store: KvStore;
  readonly #keyPosition: (key: string) => string;
  readonly #clock: Clock;
  /** Alive since the view was made, as the node started. */
  readonly #aliveSinceMs: number;

  constructor(identity: StandaloneIdentity, store: KvStore, keyPosition: (key: string) => string, clock: Clock) {
    this.#identity = identity;
    this.#store = store;
    this.#keyPosition = keyPosition;
    this.#clock = clock;
    this.#aliveSinceMs = clock.nowMs();
  }

  members(): MemberView[] {
    const { nodeId, name, httpAddress } = this.#identity;
    return [{ nodeId, name, httpAddress, state: 'alive', stateAgeMs: Math.max(0, this.#clock.nowMs() - this.#aliveSinceMs), why: null, incarnation: 0, heartbeatAgeMs: 0, keyCount: this.#store.stats().liveKeys, ringDigest: nodeId, clockOffsetMs: null, answerMs: null, askedLast: false, self: true }];
  }

  memberAddresses(): string[] {
    return [this.#identity.httpAddress];
  }

  /** No peers, nothing to detect: a standalone node sees no member change. */
  memberChanges(): [] {
    return [];
  }

  /** No peers, no clocks to compare with: a standalone node writes whatever its clock says. */
  clock(): null {
    return null;
  }

  ring(): RingView {
    const { nodeId } = this.#identity;
    return { digest: nodeId, replicationFactor: 1, tokensPerNode: 1, members: [nodeId], ranges: [{ start: RING_TOP, end: RING_TOP, replicas: [nodeId] }], jointRings: [] };
  }

  /** A standalone node is not in a swarm: no node can join it, so there is no ring change to predict. */
  ringModel(): undefined {
    return undefined;
  }

  locate(key: string): KeyLocation {
    const { nodeId, name, httpAddress } = this.#identity;
    return { key, position: this.#keyPosition(key), replicas: [{ nodeId, name, httpAddress, state: 'alive' }], targets: [{ nodeId, standInFor: null }] };
  }
}
