// The real Transport: Noise-encrypted streams between the nodes of a cluster, found through a Hyperswarm
// topic derived from the cluster's name and secret (and, on a private DHT, by dialling its founder
// directly: swarm-dht.ts). Each connection carries one protomux channel whose first exchange is the
// authenticated hello (peer-session.ts); peers that fail it are cut off and banned. The public DHT is
// used only when the caller passes bootstrap 'public', never by omission.
//
// This file loads hyperswarm's native UDP stack, which Bun cannot run: only the composition root and
// `*.node-test.ts` suites import it, through ./hyperswarm.ts, never through ./index.ts.

import type { DhtNodeAddress } from 'hyperdht';
import Hyperswarm, { type PeerDiscoverySession, type PeerInfo, type SwarmConnection } from 'hyperswarm';
import { assert } from '../assert';
import { peerMessages, supportedProtocolVersions, type MessageRegistry, type ProtocolVersionRange } from '../wire';
import { deriveClusterKeys } from './cluster-keys';
import { DiscoveryRefresh } from './discovery-refresh';
import { HyperswarmLink } from './hyperswarm-link';
import { HELLO_TIMEOUT_MS } from './peer-session';
import type { PeerFilter } from './peer-filter';
import { PeerTable } from './peer-table';
import { ReconnectSchedule, type ReconnectTarget } from './reconnect-schedule';
import { PEER_SEND_QUEUE_BYTES_MAX } from './send-budget';
import { checkDhtSettings, createSwarmDht, releaseInterfaceWatcher } from './swarm-dht';
import type { PeerMessage, Transport, TransportHandlers } from './transport';
import { shortKey, silentTransportLog, type TransportLog } from './transport-log';
import { emptyTransportStats, type TransportStats } from './transport-stats';

/**
 * A connection on which nothing at all arrives for this long is dead (Hyperdht sends a keep-alive every
 * 5 s, so three are missed): a crashed peer is noticed in ~15 s even if no FIN ever came.
 */
export const PEER_SILENCE_TIMEOUT_MS = 15_000;
/** Hyperswarm's own default; a cluster is smaller than this. */
export const SWARM_PEERS_MAX = 64;
/**
 * Dials in flight at once (Hyperswarm's default is 3). A topic lookup also returns the announcements of
 * processes killed without leaving (each restart comes back under a new key, and a record outlives its
 * process by minutes); a dial to one of those waits for its timeout, and with 3 slots a few of them held
 * every dial to a live peer back, for 4 to 30 s after a restart (measured: ten restarts of one node of
 * five, worse with each). With a slot for every peer a dead key delays nothing.
 */
export const SWARM_DIALS_IN_FLIGHT_MAX = SWARM_PEERS_MAX;
/**
 * Leaving the topic unannounces it on the DHT (measured: ~10 ms on loopback when the DHT answers); an
 * unreachable DHT must not hold shutdown hostage.
 */
export const TRANSPORT_CLOSE_MS_MAX = 1000;

export interface HyperswarmTransportOptions {
  readonly nodeId: string;
  readonly name: string;
  readonly httpAddress: string;
  readonly clusterName: string;
  readonly secret: string;
  /**
   * DHT bootstrap nodes, as the founding node's dhtPublicHost:dhtPort; [] founds a private DHT (needs
   * dhtPort, and dhtPublicHost or an IPv4 dhtHost); 'public' opts in to Hyperswarm's public DHT.
   */
  readonly bootstrap: readonly DhtNodeAddress[] | 'public';
  readonly log?: TransportLog;
  /** Address the DHT's UDP socket binds; default all interfaces. */
  readonly dhtHost?: string;
  /**
   * UDP port of the DHT; default hyperdht's (49737, or the next free of four, else any). Fixed for a
   * founding node. A node restarted on its host so gets its DHT address back, and with it the entries
   * the other DHT nodes keep for it: on a new address its DHT takes ~12 s to be ready, as the others
   * still route to its old, dead one (measured on a loopback testnet, reconnection.node-test.ts).
   */
  readonly dhtPort?: number;
  /** The IPv4 address other nodes reach this node's DHT at; defaults to dhtHost. */
  readonly dhtPublicHost?: string;
  readonly messages?: MessageRegistry;
  readonly helloTimeoutMs?: number;
  readonly protocolVersions?: ProtocolVersionRange;
  readonly sendQueueBytesMax?: number;
  /**
   * Replaces the topic derived from name and secret. Only tests use it: to put a node holding the
   * wrong secret on the cluster's topic, so that the hello (not the topic) is what keeps it out.
   */
  readonly topic?: Uint8Array;
  /** Peers to cut off as a network partition would (the chaos API); call refilter() after it changes. */
  readonly filter?: PeerFilter;
}

export class HyperswarmTransport implements Transport {
  readonly localNodeId: string;
  readonly #options: HyperswarmTransportOptions;
  readonly #topic: Buffer;
  readonly #log: TransportLog;
  readonly #stats: TransportStats = emptyTransportStats();
  readonly #table: PeerTable;
  readonly #reconnects: ReconnectSchedule;
  #swarm: Hyperswarm | undefined;
  #discovery: PeerDiscoverySession | undefined;
  /** Founders of the private DHT, dialled for as long as this node runs (hex keys). */
  #seedKeys = new Set<string>();
  readonly #refresher: DiscoveryRefresh;
  #starting: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  /** The DHT answered (or was founded here): start() finished its wait. */
  #dhtReady = false;
  /** The DHT is up and this node founded it (a private DHT's first node). */
  #founderReady = false;
  /** The topic was announced and looked up once, with at least one other DHT node answering. */
  #topicFlushed = false;
  #joined = false;

  constructor(options: HyperswarmTransportOptions) {
    checkDhtSettings(options);
    this.localNodeId = options.nodeId;
    this.#options = options;
    this.#log = options.log ?? silentTransportLog;
    const keys = deriveClusterKeys(options.clusterName, options.secret);
    this.#topic = Buffer.from(options.topic ?? keys.topic);
    assert(this.#topic.byteLength === 32, 'a topic is 32 bytes');
    this.#table = new PeerTable({
      identity: {
        nodeId: options.nodeId,
        name: options.name,
        httpAddress: options.httpAddress,
        protocolVersions: options.protocolVersions ?? supportedProtocolVersions,
      },
      helloKey: keys.helloKey,
      messages: options.messages ?? peerMessages,
      helloTimeoutMs: options.helloTimeoutMs ?? HELLO_TIMEOUT_MS,
      log: this.#log,
      stats: this.#stats,
      onPeerLost: (peer, publicKey) => {
        this.#reconnects.lost({ nodeId: peer.nodeId, publicKey });
        this.#refresher.hurry();
      },
      onPeerFound: (peer) => this.#reconnects.found(peer.nodeId),
      ...(options.filter === undefined ? {} : { filter: options.filter }),
    });
    this.#reconnects = new ReconnectSchedule({
      log: this.#log,
      attempt: (target, attempt) => this.#reconnect(target, attempt),
      release: (target) => this.#release(target.publicKey),
    });
    this.#refresher = new DiscoveryRefresh(async () => {
      await this.#discovery?.refresh();
      this.#lookupDone();
    }, this.#log);
  }

  /** Binds the DHT, joins the topic and accepts connections; peers arrive through onPeerUp. */
  start(handlers: TransportHandlers): Promise<void> {
    if (this.#starting !== undefined) return this.#starting;
    assert(this.#closing === undefined, 'a closed transport does not start again');
    this.#table.setHandlers(handlers);
    this.#starting = this.#start();
    return this.#starting;
  }

  async #start(): Promise<void> {
    const startedMs = performance.now();
    const { dht, keyPair, seedPublicKeys } = createSwarmDht(this.#options);
    const swarm = new Hyperswarm({ dht, maxPeers: SWARM_PEERS_MAX, maxParallel: SWARM_DIALS_IN_FLIGHT_MAX, ...(keyPair === undefined ? {} : { keyPair }) });
    this.#swarm = swarm;
    swarm.on('connection', (connection, peerInfo) => this.#accept(connection, peerInfo));
    this.#discovery = swarm.join(this.#topic, { server: true, client: true });
    this.#seedKeys = new Set(seedPublicKeys.map((publicKey) => publicKey.toString('hex')));
    for (const publicKey of seedPublicKeys) swarm.joinPeer(publicKey);
    this.#refresher.start();
    await dht.ready().catch((error: unknown) => {
      const { dhtHost, dhtPort } = this.#options;
      throw new Error(`the DHT could not start on UDP ${dhtHost ?? '0.0.0.0'}:${dhtPort ?? 'any port'}: ${error instanceof Error ? error.message : String(error)}`);
    });
    // Closed while the DHT was getting ready (a stop during start-up): nothing started to report.
    if (this.#closing !== undefined) return;
    this.#dhtReady = true;
    this.#founderReady = keyPair !== undefined;
    void this.#discovery.flushed().then(() => this.#lookupDone(), () => {});
    const { bootstrap } = this.#options;
    this.#log('transport.started', {
      topic: shortKey(this.#topic),
      publicKey: shortKey(swarm.keyPair.publicKey),
      dhtPort: dht.address().port,
      bootstrap: bootstrap === 'public' ? 'public' : bootstrap.map(({ host, port }) => `${host}:${port}`),
      founder: keyPair !== undefined,
      startMs: Math.round(performance.now() - startedMs),
    });
  }

  /**
   * True once this node has met its cluster, and from then on: a peer completed the hello; or the DHT
   * answered (this node knows another DHT node) and the topic was announced and looked up once, so
   * any member already there was found (this node is, so far, a cluster of one); or this node founded
   * the private DHT, the meeting place itself. A node whose bootstrap nobody answers never joins.
   */
  joined(): boolean {
    this.#joined ||= this.#founderReady || this.#topicFlushed || this.#table.connectedPeers().length > 0;
    return this.#joined;
  }

  /** An announce and lookup of the topic finished: it reached the cluster if another DHT node answered. */
  #lookupDone(): void {
    this.#topicFlushed ||= (this.#swarm?.dht.table.size ?? 0) > 0;
  }

  /** Resolves once this node is announced on the topic and has looked it up once. */
  async flushed(): Promise<void> {
    await this.#starting;
    await this.#discovery?.flushed();
  }

  close(): Promise<void> {
    if (this.#closing === undefined) this.#closing = this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#reconnects.close();
    this.#refresher.close();
    this.#table.destroyAll('closing');
    // Not waiting for a start in progress first: its DHT may take seconds to answer, or never does,
    // and a node stopped while starting must stop promptly. #start makes the swarm before its first
    // await, so there is one to destroy, and destroying it ends the start's wait (measured: ~5 ms).
    const swarm = this.#swarm;
    if (swarm === undefined) return;
    // A DHT still getting ready has announced nothing, so there is nothing to leave gracefully, and
    // Hyperswarm's destroy would wait on the topic's pending lookups: destroying the DHT first ends
    // every query at once (measured: a stop during start-up took the full TRANSPORT_CLOSE_MS_MAX before).
    if (!this.#dhtReady) await swarm.dht.destroy({ force: true }).catch(() => {});
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), TRANSPORT_CLOSE_MS_MAX)));
    // A destroy that fails (a DHT that never bound) has nothing more to close but the watcher below.
    const destroyed = swarm.destroy().then(
      () => false,
      () => false,
    );
    if (await Promise.race([destroyed, timedOut])) {
      this.#log('transport.close_forced', { afterMs: TRANSPORT_CLOSE_MS_MAX });
      // The graceful destroy is waiting on DHT nodes that are gone (the last node of a cluster, say),
      // and so would Hyperswarm's forced one, which still closes its server through the DHT. Destroying
      // the DHT itself closes its UDP socket, so every query still waiting fails at once and nothing is
      // left to keep the process alive (measured: 8.7 s from SIGTERM to exit before, with peers gone).
      const forcedTimedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, TRANSPORT_CLOSE_MS_MAX)));
      await Promise.race([swarm.dht.destroy({ force: true }).catch(() => {}), forcedTimedOut]);
      await Promise.race([destroyed, forcedTimedOut]);
    }
    clearTimeout(timer);
    await this.#starting?.catch(() => {});
    releaseInterfaceWatcher(swarm.dht);
    this.#log('transport.closed', {});
  }

  send(toNodeId: string, message: PeerMessage): boolean {
    return this.#table.send(toNodeId, message);
  }

  connectedPeers(): string[] {
    return this.#table.connectedPeers();
  }

  stats(): Readonly<TransportStats> {
    return { ...this.#stats };
  }

  /** Drops the connection to a peer as a network fault would; it reconnects like after one. For chaos tools and tests. */
  disconnect(nodeId: string, reason: string): boolean {
    return this.#table.disconnect(nodeId, reason);
  }

  /** Applies the filter again after it changed: peers it blocks go down, peers it released come back up. */
  refilter(): void {
    this.#table.refilter();
  }

  #accept(connection: SwarmConnection, peerInfo: PeerInfo): void {
    // An error always precedes a close, which is what the session acts on; without a listener it would throw.
    connection.on('error', (error) => this.#log('transport.connection_error', { remoteKey: shortKey(connection.remotePublicKey), error: error.message }));
    if (this.#closing !== undefined) {
      connection.destroy();
      return;
    }
    connection.setTimeout(PEER_SILENCE_TIMEOUT_MS);
    const open = () => this.#table.open(new HyperswarmLink(connection, peerInfo, this.#options.sendQueueBytesMax ?? PEER_SEND_QUEUE_BYTES_MAX));
    if (connection.handshakeHash !== null) {
      open();
      return;
    }
    void connection.opened.then((opened) => {
      if (opened && this.#closing === undefined && !connection.destroyed) open();
    });
  }

  /** Stops dialling a peer explicitly, unless it is a founder, which is dialled for good. */
  #release(publicKey: Uint8Array): void {
    const key = Buffer.from(publicKey);
    if (!this.#seedKeys.has(key.toString('hex'))) this.#swarm?.leavePeer(key);
  }

  #reconnect(target: ReconnectTarget, attempt: number): void {
    const swarm = this.#swarm;
    if (swarm === undefined || this.#closing !== undefined) return;
    const publicKey = Buffer.from(target.publicKey);
    // Leaving and joining again resets Hyperswarm's own attempt counter, so it dials at once.
    if (attempt > 0) this.#release(publicKey);
    swarm.joinPeer(publicKey);
  }
}
