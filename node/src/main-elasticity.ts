// The composition root's elasticity part, for a clustered node: its leave (the node hands everything
// over, then leaves the ring and stops) and removals of dead members (gossiped; every node drops the
// member from its ring and its hints for it, and re-replicates the ranges it held from the survivors).

import type { ElasticityControl, RemovalReply } from './api';
import { SwarmError } from './errors';
import { CLEANUP_BATCH_MAX, CLEANUP_READS_IN_FLIGHT_MAX, CLEANUP_TICK_MS, LEAVE_BATCH_MAX, LEAVE_CHANGED_KEYS_MAX, LEAVE_MS_MAX, LEAVE_REPORT_LINGER_MS_MAX, LEAVE_RETRY_DELAY_MS, LEAVE_RETRY_ROUNDS_MAX, LEAVE_WRITE_ATTEMPTS_MAX } from './limits';
import type { ClusterWiring } from './main-cluster';
import type { MemberEvent, MembershipService } from './membership';
import { CleanupService, LeaveProcedure, type AntiEntropyService, type ClusterDirectory, type DepartureGate, type RingPlacement, type SelfOwnership } from './replication';
import { RemovalRecord, rememberSelfDeparture, rememberSelfRemoval } from './main-removals';

/** Why a node stopped being part of its cluster on its own: it left, or it heard it was removed. */
export type Departure = 'left' | 'removed';

export interface Elasticity extends ElasticityControl {
  /** Resolves when this node should stop: its leave finished (and was reported), or it was removed. */
  readonly departed: Promise<Departure>;
  /** Deletes the copies this node no longer owns, in the background; closed with the cluster half. */
  readonly cleanup: CleanupService;
  /** The node is stopping: a leave under way writes nothing more (LeaveProcedure.stop). */
  stopLeave(): void;
}

export interface ElasticityParts {
  readonly wiring: ClusterWiring;
  readonly membership: MembershipService;
  readonly placement: RingPlacement;
  readonly directory: ClusterDirectory;
  readonly gate: DepartureGate;
  readonly antiEntropy: AntiEntropyService;
  /** This node's ring ownership: `leaving` while it streams its ranges away. */
  readonly ownership: SelfOwnership;
}

/**
 * Every node, as the news of a member leaving the ring reaches it: an anti-entropy pass over the new
 * ranges (placement refreshed first), so their new owners get what they lack from the surviving
 * replicas now rather than at the next interval: a removed member's whole share, or the writes a
 * leaver refused in its final pass. A removal also drops the hints held for the member.
 */
function onRingShrunk(parts: ElasticityParts, drops: Map<string, Promise<number>>, event: MemberEvent): void {
  if (event.type !== 'memberChanged' || event.previousState === event.member.state) return;
  if (event.member.state === 'left' && event.previousState !== 'removed') parts.antiEntropy.requestPass();
  if (event.member.state !== 'removed') return;
  const { wiring, directory, antiEntropy } = parts;
  const { member, previousState } = event;
  directory.forget(member.nodeId);
  antiEntropy.requestPass();
  const drop = wiring.hints.dropFor(member.nodeId).then(
    (hintsDropped) => {
      wiring.logger.info('member.removed', { member: member.nodeId, name: member.name, previousState: previousState ?? null, hintsDropped });
      return hintsDropped;
    },
    (error: unknown) => {
      wiring.logger.error('member.removed', { member: member.nodeId, name: member.name, hintsDropped: 0, error: String(error) });
      return 0;
    },
  );
  drops.set(member.nodeId, drop);
}

function removal(parts: ElasticityParts, drops: Map<string, Promise<number>>): (nodeId: string) => Promise<RemovalReply> {
  return async (nodeId) => {
    const outcome = parts.membership.remove(nodeId);
    switch (outcome.outcome) {
      case 'unknown':
        throw new SwarmError('not_found', `no member ${nodeId} in this node's view of the cluster (GET /cluster/members lists them)`, { nodeId });
      case 'self':
        throw new SwarmError('conflict', `${nodeId} is this node: a node leaves with POST /cluster/leave instead`, { nodeId, reason: 'self' });
      case 'up':
        throw new SwarmError('conflict', `${nodeId} is ${outcome.state} (incarnation ${outcome.incarnation}): only a member believed dead can be removed; stop it, or use POST /cluster/leave on it`, {
          nodeId,
          reason: 'member_alive',
          state: outcome.state,
        });
      case 'removed':
        return { nodeId, name: outcome.name, previousState: outcome.previousState, hintsDropped: (await drops.get(nodeId)) ?? 0 };
    }
  };
}

function cleanupOf(parts: ElasticityParts): CleanupService {
  const { wiring, placement, directory } = parts;
  return new CleanupService({
    selfId: wiring.nodeId,
    store: wiring.store,
    owners: (key) => placement.intendedReplicas(key),
    ringDigest: () => placement.current().ring.digest,
    ringSettled: () => placement.current().ring.digest === placement.pending().ring.digest,
    directory,
    logger: wiring.logger,
    nowMs: () => wiring.clock.nowMs(),
    graceMs: wiring.config.cleanupGraceMs,
    tickMs: CLEANUP_TICK_MS,
    batchMax: CLEANUP_BATCH_MAX,
    readsInFlightMax: CLEANUP_READS_IN_FLIGHT_MAX,
  });
}

export function wireElasticity(parts: ElasticityParts): Elasticity {
  const { wiring, membership, placement, directory, gate, ownership } = parts;
  const { store, hints, logger, clock } = wiring;
  // A leave cut short by a crash left `leaving` persisted; the new process has no leave under way.
  if (ownership.current === 'leaving') void ownership.become('owner', 'leave_interrupted');
  const drops = new Map<string, Promise<number>>();
  let depart!: (departure: Departure) => void;
  const departed = new Promise<Departure>((resolve) => (depart = resolve));
  const removals = new RemovalRecord(store, logger);
  membership.onMemberEvent((event) => {
    onRingShrunk(parts, drops, event);
    if (event.type === 'memberChanged' && event.member.state === 'removed') void removals.remember(event.member);
    if (event.type !== 'removedFromCluster') return;
    logger.error('membership.removed_self', { from: event.from, action: 'this node was removed from its cluster while it was down; it stops. Wipe its data directory to join it as a new node.' });
    // Stopped only once its data directory remembers it, so a restart refuses instead of rejoining.
    void rememberSelfRemoval(store, event.from, clock.nowMs(), logger).finally(() => depart('removed'));
  });
  const leave = new LeaveProcedure({
    store,
    hints: hints.store,
    gate,
    directory,
    successors: () => placement.withoutSelf(),
    // Leaving: still in the current ring (reads, quorums), out of the pending one, so writes also reach
    // the nodes that will own its ranges while it streams them.
    announceLeaving: (leaving) => void ownership.become(leaving ? 'leaving' : 'owner', leaving ? 'leave_started' : 'leave_failed'),
    announceLeft: async () => {
      await rememberSelfDeparture(store, clock.nowMs(), logger);
      await membership.close();
    },
    logger,
    clock,
    limits: {
      deadlineMs: LEAVE_MS_MAX,
      batchMax: LEAVE_BATCH_MAX,
      changedKeysMax: LEAVE_CHANGED_KEYS_MAX,
      writeAttemptsMax: LEAVE_WRITE_ATTEMPTS_MAX,
      retryRoundsMax: LEAVE_RETRY_ROUNDS_MAX,
      retryDelayMs: LEAVE_RETRY_DELAY_MS,
    },
  });
  const cleanup = cleanupOf(parts);
  cleanup.start();
  return {
    departed,
    cleanup,
    leave: () => {
      void leave.start().then(async (status) => {
        if (status.phase !== 'left') return;
        // Whoever asked gets to read the outcome before the node goes (bounded).
        await Promise.race([leave.reported(), new Promise((resolve) => setTimeout(resolve, LEAVE_REPORT_LINGER_MS_MAX))]);
        depart('left');
      });
      return leave.status();
    },
    leaveStatus: () => leave.status(),
    stopLeave: () => leave.stop(),
    remove: removal(parts, drops),
  };
}
