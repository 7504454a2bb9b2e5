// The composition root's cluster half: for a node started with a cluster secret, wires the Hyperswarm
// transport, the request/response layer on it, SWIM membership, ring placement and the replica server.
// Message flow: transport -> rpc envelopes (replica requests and answers) | membership messages.

import type { DhtNodeAddress } from 'hyperdht';
import { isIPv4 } from 'node:net';
import { KEY_COUNT_METADATA, LiveClusterView, RING_DIGEST_METADATA, type ClusterView } from './api';
import type { Clock } from './clock';
import type { NodeConfig } from './config';
import type { Logger } from './log';
import { MembershipService, membershipProfiles, registerMembershipMessages, type MemberEvent } from './membership';
import { ClusterDirectory, RingPlacement, serveReplicaRequests, type Placement, type ReplicaDirectory, type Replica } from './replication';
import type { KvStore } from './storage';
import { Rpc, type PeerHello, type TransportLog } from './transport';
import { HyperswarmTransport } from './transport/hyperswarm';

/** How often a node re-publishes its live key count in its membership metadata (when it changed). */
export const KEY_COUNT_PUBLISH_INTERVAL_MS = 5000;

/** Transport events too frequent for the info level: they are per connection attempt, not per change. */
const DEBUG_TRANSPORT_EVENTS = new Set(['transport.reconnect_attempt', 'transport.discovery_refreshed', 'transport.connection_error']);

export interface RunningCluster {
  readonly placement: Placement;
  readonly directory: ReplicaDirectory;
  readonly view: ClusterView;
  /** Announces the departure, then closes the rpc and the transport. Idempotent. */
  close(): Promise<void>;
}

export interface ClusterWiring {
  readonly config: NodeConfig;
  readonly nodeId: string;
  readonly store: KvStore;
  readonly localReplica: Replica;
  readonly logger: Logger;
  readonly clock: Clock;
}

function bootstrapOf(config: NodeConfig): readonly DhtNodeAddress[] | 'public' {
  if (config.publicDht) return 'public';
  return config.bootstrap.map((entry) => {
    const colon = entry.lastIndexOf(':');
    return { host: entry.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(entry.slice(colon + 1)) };
  });
}

function transportLogOf(logger: Logger): TransportLog {
  return (event, fields) => (DEBUG_TRANSPORT_EVENTS.has(event) ? logger.debug(event, fields) : logger.info(event, fields));
}

function createTransport(wiring: ClusterWiring): HyperswarmTransport {
  const { config, nodeId, logger } = wiring;
  const advertisedHost = config.advertise.slice(0, config.advertise.lastIndexOf(':'));
  return new HyperswarmTransport({
    nodeId,
    name: config.name,
    httpAddress: config.advertise,
    clusterName: config.cluster,
    secret: config.secret!,
    bootstrap: bootstrapOf(config),
    log: transportLogOf(logger),
    dhtHost: config.host,
    ...(config.dhtPort > 0 ? { dhtPort: config.dhtPort } : {}),
    ...(isIPv4(advertisedHost) ? { dhtPublicHost: advertisedHost } : {}),
  });
}

function logMemberEvent(logger: Logger, event: MemberEvent): void {
  if (event.type === 'memberRemoved') {
    logger.info('membership.member_removed', { member: event.nodeId });
    return;
  }
  const { member } = event;
  logger.info('membership.member_changed', { member: member.nodeId, name: member.name, state: member.state, incarnation: member.incarnation });
}

/**
 * What this node tells others about itself on every ping and ack: its live key count (refreshed on a
 * timer, not on every write) and the digest of the ring it routes by, so any node can see whether the
 * cluster's rings converged.
 */
class SelfMetadata {
  readonly #membership: MembershipService;
  readonly #store: KvStore;
  #keys: number;
  #ring: string;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(membership: MembershipService, store: KvStore, ringDigest: string) {
    this.#membership = membership;
    this.#store = store;
    this.#keys = store.stats().liveKeys;
    this.#ring = ringDigest;
  }

  get current(): { [KEY_COUNT_METADATA]: number; [RING_DIGEST_METADATA]: string } {
    return { [KEY_COUNT_METADATA]: this.#keys, [RING_DIGEST_METADATA]: this.#ring };
  }

  start(): void {
    this.#timer = setInterval(() => {
      const liveKeys = this.#store.stats().liveKeys;
      if (liveKeys !== this.#keys) this.#publish(liveKeys, this.#ring);
    }, KEY_COUNT_PUBLISH_INTERVAL_MS);
    this.#timer.unref();
  }

  ringChanged(digest: string): void {
    // Deferred: this runs inside a membership listener, and the state machine is not re-entered there.
    queueMicrotask(() => this.#publish(this.#keys, digest));
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #publish(keys: number, ring: string): void {
    this.#keys = keys;
    this.#ring = ring;
    this.#membership.setMetadata(this.current);
  }
}

export async function startCluster(wiring: ClusterWiring): Promise<RunningCluster> {
  const { config, nodeId, store, localReplica, logger, clock } = wiring;
  registerMembershipMessages();
  const transport = createTransport(wiring);
  const rpc = new Rpc(transport, { log: transportLogOf(logger) });
  const connected = new Set<string>();
  const membership = new MembershipService({
    self: { nodeId, name: config.name, httpAddress: config.advertise },
    config: membershipProfiles[config.profile],
    transport,
    clock,
    metadata: { [KEY_COUNT_METADATA]: store.stats().liveKeys },
  });
  const placement = new RingPlacement({ selfId: nodeId, membership, replicationFactor: config.replicas, tokensPerNode: config.tokensPerNode });
  const metadata = new SelfMetadata(membership, store, placement.ring().digest);
  membership.setMetadata(metadata.current);
  const directory = new ClusterDirectory(localReplica, rpc, { isConnected: (peer) => connected.has(peer) });
  membership.onMemberEvent((event) => {
    logMemberEvent(logger, event);
    const before = placement.current();
    const after = placement.refresh();
    if (after !== before) {
      logger.info('ring.changed', { epoch: after.epoch, digest: after.ring.digest, members: after.ring.size });
      metadata.ringChanged(after.ring.digest);
    }
    if (event.type === 'memberRemoved') directory.forget(event.nodeId);
  });
  serveReplicaRequests(rpc, localReplica);

  const handlers = rpc.wrap({
    onPeerUp: (peer: PeerHello) => {
      connected.add(peer.nodeId);
      membership.peerUp(peer.nodeId);
    },
    onPeerDown: (peerId: string) => {
      connected.delete(peerId);
      membership.peerDown(peerId);
    },
    onMessage: (from, message) => {
      if (!membership.receive(from, message)) logger.warn('peer.unexpected_message', { from, type: message.type });
    },
  });
  await transport.start(handlers);
  membership.start();
  metadata.start();

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      metadata.stop();
      await membership.close();
      rpc.close();
      await transport.close();
    })();
    return closing;
  };
  return { placement, directory, view: new LiveClusterView(membership, placement, () => store.stats().liveKeys), close };
}
