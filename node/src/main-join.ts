// The composition root's join half: serves range transfers to joining peers, and, while this node is
// itself joining, gates its requests and streams its ranges in (replication/ring-join.ts).

import type { ClusterWiring } from './main-cluster';
import type { MembershipService } from './membership';
import {
  RebalanceEngine,
  RingJoin,
  serveRangeTransfers,
  type Placement,
  type RebalanceStatus,
  type RingPlacement,
  type SelfOwnership,
} from './replication';
import { SwarmError } from './errors';
import type { Rpc } from './transport';

export interface JoinParts {
  readonly wiring: ClusterWiring;
  readonly rpc: Rpc;
  readonly membership: MembershipService;
  readonly placement: RingPlacement;
  readonly ownership: SelfOwnership;
  readonly transportJoined: () => boolean;
}

export interface RunningJoin {
  /** Placement for requests: 503 `joining` while this node may not coordinate yet. */
  readonly placement: Placement;
  /** True once this node may coordinate requests (readiness). */
  readonly ready: () => boolean;
  readonly status: () => RebalanceStatus;
  start(): void;
  close(): Promise<void>;
}

function joining(): SwarmError {
  return new SwarmError('unavailable', 'this node is joining its cluster; retry in a moment', { reason: 'joining' });
}

export function wireJoin({ wiring, rpc, membership, placement, ownership, transportJoined }: JoinParts): RunningJoin {
  const { nodeId, store, digests, logger, clock } = wiring;
  serveRangeTransfers(rpc, { index: digests.index, get: (key) => store.get(key) });
  const engine = new RebalanceEngine({
    selfId: nodeId,
    request: (to, body, options) => rpc.request(to, body, options),
    store,
    isHealthy: (id) => membership.isHealthy(id),
    logger,
    clock,
  });
  const join = new RingJoin({ selfId: nodeId, ownership, placement, members: () => membership.members(), transportJoined, engine, logger });
  const ready = () => transportJoined() && join.ready();
  const gated: Placement = {
    targetsFor: (key) => {
      if (!join.ready()) throw joining();
      return placement.targetsFor(key);
    },
    writeTargetsFor: (key) => {
      if (!join.ready()) throw joining();
      return placement.writeTargetsFor(key);
    },
    listing: () => {
      if (!join.ready()) throw joining();
      return placement.listing();
    },
  };
  return { placement: gated, ready, status: () => engine.status(ownership.current), start: () => join.start(), close: () => join.close() };
}
