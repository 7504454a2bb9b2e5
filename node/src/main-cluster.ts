// The composition root's cluster half: for a node started with a cluster secret, wires the Hyperswarm
// transport, the request/response layer on it, SWIM membership, ring placement and the replica server.
// Message flow: transport -> rpc envelopes (replica requests and answers) | membership messages.

import { KEY_COUNT_METADATA, LiveClusterView, type ClockStatus, type ClusterView, type ElasticityControl, type MemberClockOffsets, type MembershipReadings } from './api';
import { wireElasticity, type Departure } from './main-elasticity';
import { systemMonotonicClock, type Clock } from './clock';
import { writeRefusalOf } from './clock-offset';
import { clockOffsetsOf, startClockOffsets } from './main-clock-offsets';
import type { SwarmError } from './errors';
import type { NodeConfig } from './config';
import type { Logger } from './log';
import { MEMBERS_MAX, MembershipService, membershipProfiles, registerMembershipMessages, type MemberEvent, type MemberMetadata } from './membership';
import {
  AntiEntropyService,
  ClusterDirectory,
  DepartureGate,
  DepartureHandover,
  HintedHandoff,
  inspectLocally,
  KeyInspector,
  serveKeyInspections,
  initialOwnership,
  RingPlacement,
  SelfOwnership,
  serveAntiEntropyRequests,
  serveReplicaBatches,
  serveReplicaRequests,
  type BatchReplica,
  type HintLedger,
  type KeyInspection,
  type PeerLiveness,
  type Placement,
  type RebalanceStatus,
  type RepairControl,
  type ReplicaDirectory,
  type Replica,
} from './replication';
import { PENDING_RING_DIGEST_METADATA, RING_DIGEST_METADATA, RING_OWNERSHIP_METADATA } from './ring';
import type { KvStore } from './storage';
import { DEPARTURE_BATCH_MAX, DEPARTURE_HANDOVER_MS_MAX } from './limits';
import { isNodeId, type HybridLogicalClock } from './version';
import { ConnectionWatch, Rpc, RPC_IN_FLIGHT_BUSY, type PeerHello, type TransportStats } from './transport';
import type { HyperswarmTransport } from './transport/hyperswarm';
import { warnOncePerPeer } from './main-log-once';
import { createTransport, refusalsOf, transportLogOf } from './main-transport';
import type { ChaosFaults } from './chaos';
import { unlessInterrupted } from './main-startup';
import { wireJoin } from './main-join';
import { memberReason } from './main-event-words';
import type { NodeDigests } from './main-stores';
import { SelfMetadata } from './main-self-metadata';
import { rememberedRemovals } from './main-removals';


/** What requests route through once the cluster half is wired. */
export interface ClusterRouting {
  readonly placement: Placement;
  readonly directory: ReplicaDirectory;
  readonly view: ClusterView;
  readonly repair: RepairControl;
  /** True once this node has met its cluster (see HyperswarmTransport.joined) and routes by its owners' ring. */
  readonly joined: () => boolean;
  /** This node's range transfers (GET /cluster/rebalance). */
  readonly rebalance: () => RebalanceStatus;
  readonly inspect: (nodeId: string, key: string) => Promise<KeyInspection>;
  readonly elasticity: ElasticityControl;
  /** Why this node must not version writes now: its clock is too far from its peers' (clock-offset/). */
  readonly writeRefusal: () => SwarmError | undefined;
  /** Until its first reading of a peer's clock (at most CLOCK_FIRST_READING_WAIT_MS), a node just started holds writes. */
  readonly writeHold: () => Promise<void> | undefined;
}

export interface RunningCluster extends ClusterRouting {
  /** Resolves when this node should stop on its own: it left the cluster, or heard it was removed. */
  readonly departed: Promise<Departure>;
  /** Copies of keys this node no longer owns deleted since start (swarmkv_cleanup_keys_deleted_total). */
  cleanupKeysDeleted(): number;
  /** Announces the departure and lets the news spread; requests in flight are still served. Idempotent. */
  leave(): Promise<void>;
  /**
   * Once this node coordinates nothing more: refuses peers' writes, then hands over what it owes (its
   * hints; a --memory node's whole store) to its successors, within DEPARTURE_HANDOVER_MS_MAX. Idempotent.
   */
  handOver(): Promise<void>;
  /** Leaves if it has not, then closes the rpc and the transport. Idempotent. */
  close(): Promise<void>;
  /** What the peer transport has sent and received since start, for /metrics. */
  transportStats(): Readonly<TransportStats>;
  /** This node's clock against its cluster's, and whether it may version writes, for /metrics. */
  clockStatus(): ClockStatus;
  /** The members' states and the changes seen since start, for /metrics. */
  readonly membershipReadings: MembershipReadings;
}

export interface ClusterWiring {
  readonly config: NodeConfig;
  readonly nodeId: string;
  readonly store: KvStore;
  readonly localReplica: Replica & BatchReplica;
  /** Digests of every record in `store`, which keeps them current; built here, in the background. */
  readonly digests: NodeDigests;
  /** The hints this node keeps as a stand-in; the cluster half delivers them. */
  readonly hints: HintLedger;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly hlc: HybridLogicalClock;
  /** The faults of a node started with --chaos: its partition filters the transport. */
  readonly chaos: ChaosFaults | undefined;
}

function membershipReadingsOf(membership: MembershipService): MembershipReadings {
  return { states: () => membership.members().map((member) => member.state), changeCounts: () => membership.changeCounts() };
}

function logMemberEvent(logger: Logger, event: MemberEvent): void {
  // Metadata (key counts, ring digests) changes every few seconds: not news for the log.
  if (event.type === 'metadataChanged') return;
  if (event.type === 'memberRemoved') {
    logger.info('membership.member_removed', { member: event.nodeId });
    return;
  }
  if (event.type === 'removedFromCluster') return;
  const { member, cause } = event;
  // Why, flattened into the line (`by`, then that cause's own fields): what the sentence explains.
  logger.info('membership.member_changed', { member: member.nodeId, name: member.name, state: member.state, incarnation: member.incarnation, ...cause });
}

/**
 * Anti-entropy over the ring's ranges, started once the digest index is built (in the background: a
 * durable node sums its bucket digests from the leaves on disk, a --memory node scans its store; until
 * then a node answers digests of what it summed so far, which is safe, as a comparison only ever moves
 * newer records).
 */
function startAntiEntropy(wiring: ClusterWiring, rpc: Rpc, connections: ConnectionWatch, membership: MembershipService, placement: RingPlacement): AntiEntropyService {
  const { config, nodeId, localReplica, digests, logger, clock } = wiring;
  serveAntiEntropyRequests(rpc, digests.index);
  const service = new AntiEntropyService({
    selfId: nodeId,
    comparison: { index: digests.index, local: localReplica, requester: rpc, connections },
    liveness: membership,
    ranges: () => placement.currentRanges(),
    ringSettled: () => placement.jointRings().length === 0,
    clock,
    logger,
    intervalMs: config.antiEntropyIntervalMs,
    busy: () => rpc.inFlight() > RPC_IN_FLIGHT_BUSY,
  });
  // A member back from the dead (restarted on its data, or a healed partition) is compared with soon.
  membership.onMemberEvent((event) => {
    if (event.type === 'memberChanged' && event.previousState === 'dead' && event.member.state === 'alive') service.memberReturned();
  });
  const startedMs = performance.now();
  digests.build().then(
    (built) => {
      logger.info('repair.index_built', { records: built.leaves, leavesAdded: built.leavesAdded, ms: Math.round(performance.now() - startedMs) });
      service.start();
    },
    (error: unknown) => logger.warn('repair.index_failed', { error: error instanceof Error ? error.message : String(error) }),
  );
  return service;
}

/** How often the ring is rebuilt without a membership event (remembered members expiring). */
const RING_REFRESH_INTERVAL_MS = 10_000;

/** Where a clustered node keeps the ring's member ids, for its next start (see RememberedMembers). */
const RING_MEMBERS_META = 'ring-members';

function rememberedRingMembers(store: KvStore): string[] {
  try {
    const parsed: unknown = JSON.parse(store.getMeta(RING_MEMBERS_META) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string' && isNodeId(id)).slice(0, MEMBERS_MAX) : [];
  } catch {
    return [];
  }
}

function rememberRingMembers(store: KvStore, nodeIds: string[], logger: Logger): void {
  store.setMeta(RING_MEMBERS_META, JSON.stringify(nodeIds)).catch((error: unknown) => logger.error('ring.remember_failed', { error: String(error) }));
}

function observeVersion(hlc: HybridLogicalClock, version: string): void {
  try {
    hlc.receive(version);
  } catch {
    // A version implausibly far ahead (a peer with a wild clock): ordered by, not adopted.
  }
}

interface MembershipParts {
  readonly membership: MembershipService;
  readonly placement: RingPlacement;
  readonly metadata: SelfMetadata;
  readonly ownership: SelfOwnership;
}

/** Membership, the ring placement built from it, this node's ownership, and what it gossips about itself. */
function createMembership(wiring: ClusterWiring, transport: HyperswarmTransport): MembershipParts {
  const { config, nodeId, store, clock, logger } = wiring;
  const profile = membershipProfiles[config.profile];
  const membership = new MembershipService({
    self: { nodeId, name: config.name, httpAddress: config.advertise },
    config: profile,
    transport,
    clock,
    metadata: { [KEY_COUNT_METADATA]: store.stats().liveKeys },
    removed: rememberedRemovals(store),
  });
  const remembered = { nodeIds: rememberedRingMembers(store), untilMs: clock.nowMs() + profile.departedRetentionMs, nowMs: () => clock.nowMs() };
  const founder = config.bootstrap.length === 0 && !config.publicDht;
  const ownership = new SelfOwnership(store, logger, initialOwnership({ store, founder, rememberedMembers: remembered.nodeIds }));
  const placement = new RingPlacement({ selfId: nodeId, membership, replicationFactor: config.replicas, tokensPerNode: config.tokensPerNode, remembered, selfOwnership: () => ownership.current });
  const metadata = new SelfMetadata(membership, store, placement, ownership);
  membership.setMetadata(metadata.current);
  return { membership, placement, metadata, ownership };
}

/** What the transport calls: connections and membership follow peers (and `connected` hears of each new one); messages go to membership. */
function peerHandlers(rpc: Rpc, connections: ConnectionWatch, membership: MembershipService, logger: Logger, connected: (nodeId: string) => void) {
  const unexpected = warnOncePerPeer(logger, refusalsOf(logger));
  return rpc.wrap({
    onPeerUp: (peer: PeerHello) => {
      connections.up(peer.nodeId);
      membership.peerUp(peer.nodeId);
      connected(peer.nodeId);
    },
    onPeerDown: (peerId: string) => {
      connections.down(peerId);
      membership.peerDown(peerId);
    },
    onMessage: (from, message) => {
      if (!membership.receive(from, message)) unexpected('peer.unexpected_message', { from, type: message.type });
    },
  });
}

/** Answers peers' key inspections from this node's store and hints; returns how to inspect any member's. */
function serveInspections(wiring: ClusterWiring, rpc: Rpc, connections: ConnectionWatch, liveness: PeerLiveness): (nodeId: string, key: string) => Promise<KeyInspection> {
  const { nodeId, store, hints } = wiring;
  const inspectHere = (key: string) => inspectLocally(store, hints, key);
  serveKeyInspections(rpc, inspectHere);
  const inspector = new KeyInspector({ selfId: nodeId, local: inspectHere, requester: rpc, connections, liveness });
  return (id, key) => inspector.inspect(id, key);
}

/** The services a departure stops and uses, in the order it needs them. */
interface DepartureParts {
  readonly wiring: ClusterWiring;
  readonly membership: MembershipService;
  readonly placement: RingPlacement;
  readonly directory: ClusterDirectory;
  readonly gate: DepartureGate;
  readonly background: readonly { close(): Promise<void> }[];
}

/** A clean departure in two steps: the leave (announced while requests still run), then the hand-over. */
function departure(parts: DepartureParts): Pick<RunningCluster, 'leave' | 'handOver'> {
  const { wiring, membership, placement, directory, gate, background } = parts;
  let handingOver: Promise<void> | undefined;
  const leave = () => membership.close();
  const handOver = () =>
    (handingOver ??= (async () => {
      await leave();
      // Hint delivery and anti-entropy stop first: the hand-over does their work once, for good.
      for (const service of background) await service.close();
      await gate.closeToWrites();
      const { config, store, hints, logger } = wiring;
      await new DepartureHandover({
        store,
        records: config.memory ? 'all' : 'none',
        hints: hints.store,
        label: 'departure',
        acknowledgement: 'one',
        writeAttemptsMax: 1,
        successors: placement.withoutSelf(),
        directory,
        logger,
        deadlineMs: DEPARTURE_HANDOVER_MS_MAX,
        batchMax: DEPARTURE_BATCH_MAX,
      }).run();
    })());
  return { leave, handOver };
}


/** Rebuilds the rings on every ownership or membership change, and on a timer; returns how to stop the timer. */
function followRingChanges(wiring: ClusterWiring, parts: MembershipParts, directory: ClusterDirectory): () => void {
  const { store, logger } = wiring;
  const { membership, placement, metadata, ownership } = parts;
  const refreshRing = () => {
    const before = placement.current();
    const pendingBefore = placement.pending();
    const after = placement.refresh();
    if (placement.pending() !== pendingBefore) metadata.changed();
    if (after === before) return;
    logger.info('ring.changed', { epoch: after.epoch, digest: after.ring.digest, members: after.ring.size, pendingMembers: placement.pending().ring.size });
    metadata.changed();
    rememberRingMembers(store, after.ring.members.map((member) => member.nodeId), logger);
  };
  ownership.onChange(() => {
    refreshRing();
    metadata.changed();
  });
  membership.onMemberEvent((event) => {
    logMemberEvent(logger, event);
    refreshRing();
    if (event.type === 'memberRemoved') directory.forget(event.nodeId);
  });
  // Remembered members leave the ring when their retention passes, event or not.
  const ringTimer = setInterval(refreshRing, RING_REFRESH_INTERVAL_MS).unref();
  return () => clearInterval(ringTimer);
}

/**
 * Wires the cluster half and starts it. `route` is called as soon as placement and replicas exist,
 * before the transport is up: from then on requests route by the ring (remembered members included),
 * waiting for connections, instead of by a ring of this node alone. If the transport fails to start,
 * or `signal` aborts first (the DHT may take seconds to answer, or never), everything made here is
 * closed again before this rejects.
 */
export async function startCluster(wiring: ClusterWiring, route: (routing: ClusterRouting) => void, signal?: AbortSignal): Promise<RunningCluster> {
  const { config, nodeId, store, localReplica, hints, logger, clock, hlc } = wiring;
  registerMembershipMessages();
  const transport = createTransport(wiring);
  const rpc = new Rpc(transport, { log: transportLogOf(logger) });
  const connections = new ConnectionWatch();
  const { membership, placement, metadata, ownership } = createMembership(wiring, transport);
  // A member remembered from the previous life counts as expected: a write waits for its connection.
  const liveness = { isHealthy: (id: string) => membership.isHealthy(id) || placement.isRemembered(id), isDown: (id: string) => membership.isDown(id) };
  // Every write to the store passes the gate, which a leaver closes before its final pass (departure-gate.ts).
  const gate = new DepartureGate(localReplica);
  const directory = new ClusterDirectory(gate, rpc, connections, liveness);
  const stopFollowingRing = followRingChanges(wiring, { membership, placement, metadata, ownership }, directory);
  serveReplicaRequests(rpc, gate, (version) => observeVersion(hlc, version));
  serveReplicaBatches(rpc, gate, (version) => observeVersion(hlc, version));
  const inspect = serveInspections(wiring, rpc, connections, liveness);
  // A node restarted into its cluster remembers the ring's members: it expects peers before it has met one.
  const clockOffsets = startClockOffsets(wiring, rpc, membership, rememberedRingMembers(store).some((id) => id !== nodeId));
  const antiEntropy = startAntiEntropy(wiring, rpc, connections, membership, placement);
  const reachability = { isHealthy: (id: string) => membership.isHealthy(id), isConnected: (id: string) => connections.isConnected(id) };
  const handoff = new HintedHandoff({ ledger: hints, directory, reachability, logger });
  const handlers = peerHandlers(rpc, connections, membership, logger, (nodeId) => clockOffsets.service.probeNow(nodeId));
  const view = new LiveClusterView({ membership, placement, ownKeyCount: () => store.stats().liveKeys, clockOffsets: () => clockOffsetsOf(clockOffsets.monitor), answerTimes: directory.latencies, reasonOf: memberReason });
  const join = wireJoin({ wiring, rpc, membership, placement, ownership, transportJoined: () => transport.joined() });
  const elasticity = wireElasticity({ wiring, membership, placement, directory, gate, antiEntropy, ownership });
  const routing: ClusterRouting = { placement: join.placement, directory, view, repair: antiEntropy, joined: join.ready, rebalance: join.status, inspect, elasticity, writeRefusal: () => writeRefusalOf(clockOffsets.monitor.verdict()), writeHold: () => clockOffsets.service.firstReading() };
  route(routing);
  const { leave, handOver } = departure({ wiring, membership, placement, directory, gate, background: [handoff, antiEntropy] });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      elasticity.stopLeave();
      await leave();
      metadata.stop();
      stopFollowingRing();
      await elasticity.cleanup.close();
      await join.close();
      await handoff.close();
      await antiEntropy.close();
      clockOffsets.service.close();
      connections.close();
      rpc.close();
      await transport.close();
    })();
    return closing;
  };
  try {
    await unlessInterrupted(transport.start(handlers), signal);
  } catch (error) {
    await close();
    throw error;
  }
  membership.start();
  metadata.start();
  handoff.start();
  join.start();
  clockOffsets.service.start();
  return { ...routing, departed: elasticity.departed, cleanupKeysDeleted: () => elasticity.cleanup.keysDeleted, leave, handOver, close, transportStats: () => transport.stats(), clockStatus: () => clockOffsets.monitor.verdict(), membershipReadings: membershipReadingsOf(membership) };
}
