// The composition root: the only module that wires the layers together. `startNode` opens the store,
// establishes the node's identity, builds the coordinator and the HTTP app, and listens.

import { buildApp, withFastKeyRoutes, HostPolicy, HttpMetrics, registerCleanupMetric, registerClockMetrics, registerMembershipMetrics, StandaloneClusterView, TokenRegistry, TransferRateMeter, type AppDeps, type ClusterView, type ElasticityControl, type Readiness } from './api';
import { assert } from './assert';
import type { Clock } from './clock';
import type { ChaosFaults } from './chaos';
import { nodeClocks, startChaos, type NodeClocks } from './main-chaos';
import { isClustered, tlsFilesOf, type NodeConfig } from './config';
import type { ClusterWiring, RunningCluster } from './main-cluster';
import type { Departure } from './main-elasticity';
import { survivesCommitFailures } from './main-commit-failures';
import { SwarmError } from './errors';
import { HLC_FORWARD_DRIFT_MS_MAX, SHUTDOWN_DRAIN_MS_MAX } from './limits';
import { HttpListener, type RequestHandler } from './main-listener';
import { OpenedSoFar, unlessInterrupted } from './main-startup';
import { openStores, type OpenedStores } from './main-stores';
import { createLogger, RecentEvents, recordingLogger, type Logger } from './log';
import { eventWordsFor } from './main-event-words';
import { AliveMarker, Coordinator, HintLedger, inspectLocally, LocalReplica, placementThrough, SingleNodePlacement, StandaloneRepair, TombstoneCollector, type KeyInspection, type Placement, type RebalanceStatus, type RepairControl, type ReplicaDirectory } from './replication';
import { keyPosition } from './ring';
import type { KvStore } from './storage';
import { HybridLogicalClock } from './version';
import packageJson from '../../package.json' with { type: 'json' };

export const RELEASE = packageJson.version;

export interface RunningNode {
  readonly nodeId: string;
  /** Where the node serves HTTP, e.g. http://127.0.0.1:7070. */
  readonly url: string;
  /** Stops serving, waits for in-flight requests, closes the store. Idempotent. */
  close(): Promise<void>;
  /**
   * Resolves when the node should stop on its own: it left its cluster (POST /cluster/leave), or heard
   * that it was removed from it. The host then closes it. Never resolves for a standalone node.
   */
  readonly departed: Promise<Departure>;
}

export interface StartOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** The built dashboard's folder (dist/dashboard/ beside the bundle); without it /dashboard/ answers 404. */
  readonly dashboardDir?: string;
  /**
   * The HTTP port, bound already (by `swarmkv node`, before the daemon's modules were loaded). The node
   * owns it from here: a start that fails closes it too.
   */
  readonly listener?: HttpListener;
  /**
   * Aborted when a stop is asked for while the node starts (SIGTERM while the DHT does not answer): the
   * start gives up at once, closes what it opened, and rejects with StartInterrupted.
   */
  readonly signal?: AbortSignal;
}

/** The coordinator routes through `routing`, so joining the cluster later switches it over. */
function coordinatorOver(routing: Routing, config: NodeConfig, hlc: HybridLogicalClock, clock: Clock, hints: HintLedger): Coordinator {
  return new Coordinator({
    hlc,
    clock,
    placement: placementThrough(() => routing.placement),
    directory: { replica: (id) => routing.directory.replica(id), answersSlowly: (id, among) => routing.directory.answersSlowly?.(id, among) === true, isDown: (id) => routing.directory.isDown?.(id) === true },
    readConsistency: config.readConsistency,
    writeConsistency: config.writeConsistency,
    writeRefusal: () => routing.writeRefusal(),
    writeHold: () => routing.writeHold(),
    keepMissed: (nodeId, record) => hints.keepMissed(nodeId, record),
  });
}

interface Routing {
  placement: Placement;
  directory: ReplicaDirectory;
  view: ClusterView;
  repair: RepairControl;
  inspect: (nodeId: string, key: string) => Promise<KeyInspection>;
  /** Whether this node has met its cluster: a standalone node has nothing to meet. */
  joined: () => boolean;
  elasticity: ElasticityControl;
  /** Range transfers into this node: a standalone node has none. */
  rebalance: () => RebalanceStatus;
  /** Why this node must not version writes now (its clock is off from its peers'): a standalone node has no peers to be off from. */
  writeRefusal: () => SwarmError | undefined;
  /** What writes wait for first: a node just started, its first reading of a peer's clock. */
  writeHold: () => Promise<void> | undefined;
}

/** Until a node is in a cluster, it has none to leave and no member to remove. */
function notInCluster(): ElasticityControl {
  const idle = { phase: 'member' as const, startedAt: null, finishedAt: null, recordsTotal: 0, recordsHandedOver: 0, bytesHandedOver: 0, changedKeys: null, failed: 0, reason: null };
  return {
    leave: () => {
      throw new SwarmError('conflict', 'this node is not in a cluster (standalone, or still joining): there is nothing to leave', { reason: 'not_clustered' });
    },
    leaveStatus: () => idle,
    remove: async (nodeId) => {
      throw new SwarmError('not_found', `no member ${nodeId}: this node is not in a cluster`, { nodeId });
    },
  };
}

function joining(): SwarmError {
  return new SwarmError('unavailable', 'this node is joining its cluster; retry in a moment', { reason: 'joining' });
}

/**
 * A clustered node between listening and wiring its cluster half (milliseconds): data requests answer
 * 503 rather than being served as by a cluster of one, which would take quorum writes on one copy.
 */
const joiningPlacement: Placement = {
  targetsFor: () => {
    throw joining();
  },
  writeTargetsFor: () => {
    throw joining();
  },
  listing: () => {
    throw joining();
  },
};

/** The address to advertise: with --port 0, the port the listener got once it is known. */
function advertisedAddress(advertise: string, url: string | undefined): string {
  return advertise.endsWith(':0') && url !== undefined ? `${advertise.slice(0, -2)}:${new URL(url).port}` : advertise;
}

/** A node of its own: every key lives here. A clustered node starts like this but answers data requests 503 (joining) until its cluster half is wired. */
function standaloneRouting(config: NodeConfig, nodeId: string, stores: OpenedStores, localReplica: LocalReplica, clock: Clock, httpAddress: () => string): Routing {
  const { store, hints } = stores;
  return {
    inspect: async (id, key) => {
      if (id !== nodeId) throw new SwarmError('unavailable', `${id} is not a member of this node's cluster`);
      return inspectLocally(store, hints, key);
    },
    repair: new StandaloneRepair(() => clock.nowMs()),
    placement: isClustered(config) ? joiningPlacement : new SingleNodePlacement(nodeId),
    directory: { replica: (id) => (id === nodeId ? localReplica : undefined) },
    view: new StandaloneClusterView({ nodeId, name: config.name, get httpAddress() { return httpAddress(); } }, store, keyPosition, clock),
    joined: () => !isClustered(config),
    elasticity: notInCluster(),
    rebalance: () => ({ ownership: 'owner', inProgress: [], queued: [], finished: [], keysStreamed: 0, bytesStreamed: 0 }),
    writeRefusal: () => undefined,
    writeHold: () => undefined,
  };
}

/** The Node adapter's server object; only its request handler is used (the port is HttpListener's). */
interface SrvxServer {
  readonly node?: { readonly handler?: RequestHandler };
}

/** The application as a node:http request handler: the Node adapter's, on a server it never binds. */
function requestHandlerOf(app: ReturnType<typeof buildApp>): RequestHandler {
  let adapterServer: SrvxServer | undefined;
  // manual: the adapter builds its handler but binds nothing; graceful shutdown is ours (stopInOrder).
  app.listen({ port: 0, manual: true, gracefulShutdown: false } as { port: number }, (info) => {
    adapterServer = (info as unknown as { raw: SrvxServer }).raw;
  });
  const handler = adapterServer?.node?.handler;
  assert(handler !== undefined, 'the Node adapter hands over its request handler synchronously');
  return handler;
}

function logListening(logger: Logger, config: NodeConfig, store: KvStore, fields: { url: string; nodeId: string; startMs: number }): void {
  logger.info('node.listening', {
    url: fields.url,
    nodeId: fields.nodeId,
    engine: store.engine,
    dataDir: config.memory ? null : config.dataDir,
    syncPolicy: config.memory ? 'memory' : config.syncPolicy,
    liveKeys: store.stats().liveKeys,
    startMs: fields.startMs,
  });
}

/**
 * Starts the cluster half once the HTTP port is known (with --port 0 the advertised address needs it)
 * and switches routing over to it. Until then, and until peers connect, the node is a cluster of one,
 * as any node is that knows no peer. A standalone node (no secret) stays as it is.
 */
async function joinCluster(wiring: ClusterWiring, start: { url: string; routing: Routing; announce: () => void; opened: OpenedSoFar; signal?: AbortSignal }): Promise<RunningCluster | undefined> {
  const { config, logger, store, clock } = wiring;
  const { url, routing, announce, opened, signal } = start;
  if (!isClustered(config)) {
    announce();
    return undefined;
  }
  const aliveMarker = opened.add('alive marker', new AliveMarker({ store, clock, graceMs: config.tombstoneGraceMs, logger }));
  await aliveMarker.start();
  const advertise = advertisedAddress(config.advertise, url);
  // Loaded only here: hyperswarm's native stack costs a standalone node start-up time it does not need.
  const { startCluster } = await unlessInterrupted(import('./main-cluster'), signal);
  opened.checkpoint();
  // startCluster closes what it opened itself if it fails or is interrupted.
  const started = await startCluster({ ...wiring, config: { ...config, advertise } }, (cluster) => {
    Object.assign(routing, cluster);
    // Announced once requests route by the ring, so whoever waits for the line never meets `joining`.
    announce();
  }, signal);
  const cluster = {
    ...started,
    close: async () => {
      await started.close();
      await aliveMarker.close();
    },
  };
  opened.add('cluster', cluster);
  logger.info('cluster.started', { cluster: config.cluster, advertise, replicas: config.replicas, profile: config.profile });
  return cluster;
}

interface AppParts {
  readonly config: NodeConfig;
  readonly options: StartOptions;
  readonly nodeId: string;
  readonly store: KvStore;
  readonly hints: HintLedger;
  readonly routing: Routing;
  readonly coordinator: Coordinator;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly recentEvents: RecentEvents;
  readonly metrics: HttpMetrics;
  readonly transferRate: TransferRateMeter;
  readonly readiness: () => Readiness;
  readonly chaos: ChaosFaults | undefined;
}

/** Who may call this node: its names (Host and Origin checks) and its tokens. */
function accessControlOf(config: NodeConfig, routing: Routing, coordinator: Coordinator, clock: Clock) {
  const hosts = new HostPolicy({
    names: [config.httpHost, config.advertise, config.name],
    allowedHosts: config.allowedHosts,
    memberAddresses: () => routing.view.memberAddresses(),
  });
  return { hosts, tokens: new TokenRegistry(coordinator, clock, config.adminToken) };
}

/** What the HTTP app reads, each through `routing`, so joining the cluster later switches it over. */
function appDeps(parts: AppParts, listeningUrl: () => string | undefined): AppDeps {
  const { config, options, nodeId, store, hints, routing, coordinator, logger, clock, recentEvents, metrics, transferRate, readiness, chaos } = parts;
  return {
    chaos,
    transferRate,
    ...accessControlOf(config, routing, coordinator, clock),
    recentEvents,
    readiness,
    listeningUrl,
    coordinator,
    nodeId,
    cluster: { members: () => routing.view.members(), memberAddresses: () => routing.view.memberAddresses(), clock: () => routing.view.clock(), ring: () => routing.view.ring(), locate: (key) => routing.view.locate(key), ringModel: () => routing.view.ringModel(), memberChanges: () => routing.view.memberChanges() },
    rebalance: () => routing.rebalance(),
    repair: { status: () => routing.repair.status(), startPass: () => routing.repair.startPass() },
    health: { hints: () => hints.health(), repair: () => routing.repair.status() },
    inspect: (id, key) => routing.inspect(id, key),
    elasticity: { leave: () => routing.elasticity.leave(), leaveStatus: () => routing.elasticity.leaveStatus(), remove: (id) => routing.elasticity.remove(id) },
    metrics,
    logger,
    clock,
    store,
    keyBytesMax: config.keyBytesMax,
    dashboardDir: options.dashboardDir,
    valueBytesMax: config.valueBytesMax,
    identity: { nodeId, name: config.name, release: RELEASE, syncPolicy: config.memory ? 'memory' : config.syncPolicy },
  };
}

interface StoppingParts {
  readonly logger: Logger;
  readonly cluster: RunningCluster | undefined;
  readonly listener: HttpListener;
  /** Closed last, in this order. */
  readonly closeables: readonly { close(): Promise<unknown> }[];
}

/**
 * A clean stop, in the order that loses nothing: peers hear that this node is leaving while it still
 * serves what is in flight (with the cluster it needs for that); the HTTP server stops taking
 * connections and drains; the node hands over what it owes to its successors; then it closes.
 */
async function stopInOrder({ logger, cluster, listener, closeables }: StoppingParts): Promise<void> {
  logger.info('node.stopping', {});
  await cluster?.leave();
  // Connections still busy after the drain bound are cut: acknowledged writes are committed already.
  const forced = setTimeout(() => listener.server.closeAllConnections(), SHUTDOWN_DRAIN_MS_MAX);
  await listener.close();
  clearTimeout(forced);
  await cluster?.handOver();
  await cluster?.close();
  for (const closeable of closeables) await closeable.close();
  logger.info('node.stopped', {});
}

/** Records the listener, to close at once, connections included: a start that gives up has no requests to drain. */
function addListener(opened: OpenedSoFar, listener: HttpListener): void {
  opened.addClosing('http listener', listener, () => {
    const closed = listener.close();
    listener.server.closeAllConnections();
    return closed;
  });
}

interface StartContext {
  readonly config: NodeConfig;
  readonly options: StartOptions;
  readonly logger: Logger;
  readonly clocks: NodeClocks;
  readonly recentEvents: RecentEvents;
  /** Where each step records what it opened, for a start that does not finish. */
  readonly opened: OpenedSoFar;
}

/** Everything a node is made of, opened in order. */
async function startParts({ config, options, logger, clocks, recentEvents, opened }: StartContext) {
  const { clock } = clocks;
  const startedMs = performance.now();
  const stores = await openStores(config, clock, logger, opened);
  opened.checkpoint();
  const { store, nodeId, digests, hintStore, hints } = stores;
  // With the clock-offset bound on, a peer's version is adopted only within it (see HybridLogicalClock).
  const hlc = new HybridLogicalClock(nodeId, clock, config.maxClockOffsetMs > 0 ? config.maxClockOffsetMs : HLC_FORWARD_DRIFT_MS_MAX);
  const localReplica = new LocalReplica(nodeId, store, hints);
  let url: string | undefined;
  const routing = standaloneRouting(config, nodeId, stores, localReplica, clock, () => advertisedAddress(config.advertise, url));
  const coordinator = coordinatorOver(routing, config, hlc, clock, hints);
  const metrics = new HttpMetrics(() => store.stats(), () => hints.health(), () => routing.rebalance());
  const transferRate = opened.add('transfer rate meter', new TransferRateMeter());
  const chaos = startChaos({ config, store, clocks, nodeId, logger, metrics });
  const stopping = { asked: false };
  // Not ready from the moment a stop is asked for, so a platform sends no new traffic while it drains.
  const readiness = (): Readiness => (stopping.asked ? { ready: false, reason: 'draining' } : routing.joined() ? { ready: true } : { ready: false, reason: 'joining' });
  const deps = appDeps({ config, options, nodeId, store, hints, routing, coordinator, logger, clock, recentEvents, metrics, transferRate, readiness, chaos }, () => url);
  const app = buildApp(deps);
  const listener = options.listener ?? (await HttpListener.listen(config.httpHost, config.port, tlsFilesOf(config)));
  listener.serve(withFastKeyRoutes(deps, requestHandlerOf(app)));
  // Added again once it serves the application: a start that fails later closes it before the stores.
  addListener(opened, listener);
  url = listener.url;
  const listeningUrl = url;
  // Only a scrape needs prom-client: it loads once requests are served (api/http-metrics.ts).
  metrics.load().catch((error: unknown) => logger.error('metrics.load_failed', { error: String(error) }));
  transferRate.start(() => routing.rebalance().keysStreamed, () => clock.nowMs());
  const announce = () => logListening(logger, config, store, { url: listeningUrl, nodeId, startMs: Math.round(performance.now() - startedMs) });
  const tombstones = opened.add('tombstone collector', new TombstoneCollector({ store, clock, graceMs: config.tombstoneGraceMs, logger }));
  tombstones.start();
  const wiring = { config, nodeId, store, localReplica, digests, hints, logger, clock, hlc, chaos };
  const cluster = await joinCluster(wiring, { url: listeningUrl, routing, announce, opened, signal: options.signal });
  registerCleanupMetric(metrics, () => cluster?.cleanupKeysDeleted() ?? 0).catch((error: unknown) => logger.error('metrics.load_failed', { error: String(error) }));
  if (cluster !== undefined) {
    metrics.watchTransport(cluster.transportStats);
    registerClockMetrics(metrics, () => cluster.clockStatus()).catch((error: unknown) => logger.error('metrics.load_failed', { error: String(error) }));
    registerMembershipMetrics(metrics, cluster.membershipReadings).catch((error: unknown) => logger.error('metrics.load_failed', { error: String(error) }));
  }
  return { nodeId, url: listeningUrl, listener, cluster, stopping, closeables: [{ close: async () => chaos?.close() }, transferRate, tombstones, hintStore, store] };
}

export async function startNode(config: NodeConfig, options: StartOptions = {}): Promise<RunningNode> {
  const clocks = nodeClocks(config, options.clock);
  // Stamped in real time, as the log lines are: a node whose clock a chaos skew or --clock-offset-ms
  // moved still lines up with the others on the dashboard's timeline and in `swarmkv events`.
  const recentEvents = new RecentEvents(() => clocks.realClock.nowMs(), eventWordsFor(config.name));
  const logger = recordingLogger(options.logger ?? createLogger(config.logLevel), recentEvents).child({ node: config.name });
  if (!config.memory) survivesCommitFailures(logger);
  const opened = new OpenedSoFar(options.signal);
  if (options.listener !== undefined) addListener(opened, options.listener);
  let parts: Awaited<ReturnType<typeof startParts>>;
  try {
    opened.checkpoint();
    parts = await startParts({ config, options, logger, clocks, recentEvents, opened });
  } catch (error) {
    await opened.closeAll(logger, error);
    throw error;
  }
  const { nodeId, url, listener, cluster, stopping, closeables } = parts;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    stopping.asked = true;
    closing ??= stopInOrder({ logger, cluster, listener, closeables });
    return closing;
  };
  // A standalone node never departs on its own.
  const departed = cluster?.departed ?? new Promise<Departure>(() => undefined);
  return { nodeId, url, close, departed };
}
