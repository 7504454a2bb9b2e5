// The composition root: the only module that wires the layers together. `startNode` opens the store,
// establishes the node's identity, builds the coordinator and the HTTP app, and listens.

import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { buildApp, HttpMetrics, StandaloneClusterView, type AppDeps, type ClusterView } from './api';
import { assert } from './assert';
import { OffsetClock, systemClock, type Clock } from './clock';
import { isClustered, type NodeConfig } from './config';
import type { ClusterWiring, RunningCluster } from './main-cluster';
import { SwarmError } from './errors';
import { SHUTDOWN_DRAIN_MS_MAX } from './limits';
import { createLogger, RecentEvents, recordingLogger, type Logger } from './log';
import { AliveMarker, Coordinator, DigestIndex, DigestTrackingStore, discardIfStale, HintLedger, inspectLocally, LocalReplica, SingleNodePlacement, StandaloneRepair, TombstoneCollector, type KeyInspection, type Placement, type RepairControl, type ReplicaDirectory } from './replication';
import { keyPosition } from './ring';
import { LmdbStore, MemoryHintStore, MemoryStore, type HintStore, type KvStore } from './storage';
import { HybridLogicalClock, isNodeId, NODE_ID_HEX_DIGITS } from './version';
import packageJson from '../../package.json' with { type: 'json' };

export const RELEASE = packageJson.version;

const NODE_ID_META = 'node-id';

export interface RunningNode {
  readonly nodeId: string;
  /** Where the node serves HTTP, e.g. http://127.0.0.1:7070. */
  readonly url: string;
  /** Stops serving, waits for in-flight requests, closes the store. Idempotent. */
  close(): Promise<void>;
}

export interface StartOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** The built dashboard's folder (dist/dashboard/ beside the bundle); without it /dashboard/ answers 404. */
  readonly dashboardDir?: string;
}

/** The coordinator routes through `routing`, so joining the cluster later switches it over. */
function coordinatorOver(routing: Routing, config: NodeConfig, hlc: HybridLogicalClock, clock: Clock): Coordinator {
  return new Coordinator({
    hlc,
    clock,
    placement: { targetsFor: (key) => routing.placement.targetsFor(key), listingNodes: () => routing.placement.listingNodes() },
    directory: { replica: (id) => routing.directory.replica(id) },
    readConsistency: config.readConsistency,
    writeConsistency: config.writeConsistency,
  });
}

/**
 * Opens the store and reads the node's id, before anything can read the store. A clustered node's
 * store keeps digests of its records for anti-entropy: wrapping the store itself means that no write
 * or erase (coordinator, peers, read repair, repair, tombstone collection) can bypass them.
 */
interface OpenedStores {
  /** The main store; for a clustered node, wrapped so its digests (anti-entropy) stay current. */
  readonly store: KvStore;
  readonly nodeId: string;
  readonly digests: DigestIndex;
  /** Beside the main store (in the same LMDB environment): the hints kept for other nodes. */
  readonly hintStore: HintStore;
  readonly hints: HintLedger;
}

/** Opens the stores and reads the node's id, before anything can read them. */
async function openStores(config: NodeConfig, clock: Clock, logger: Logger): Promise<OpenedStores> {
  const bounds = { hintsMax: config.hintsMax, hintBytesMax: config.hintBytesMax };
  const lmdb = config.memory ? undefined : new LmdbStore(config.dataDir, config.syncPolicy);
  const raw: KvStore = lmdb ?? new MemoryStore();
  const hintStore: HintStore = lmdb?.openHintStore(bounds) ?? new MemoryHintStore(bounds);
  const hints = new HintLedger(hintStore, logger);
  const nodeId = await loadOrCreateNodeId(raw);
  const digests = new DigestIndex();
  if (!isClustered(config)) return { store: raw, nodeId, digests, hintStore, hints };
  // A clustered node away past the tombstone grace period starts empty, hints included
  // (replication/stale-data.ts): what it holds may be values whose tombstones were collected since.
  await discardIfStale({ store: raw, hintStore, clock, graceMs: config.tombstoneGraceMs, logger });
  return { store: new DigestTrackingStore(raw, digests), nodeId, digests, hintStore, hints };
}

/** The node's id survives restarts (it is in the store's metadata), so its versions stay attributable. */
async function loadOrCreateNodeId(store: KvStore): Promise<string> {
  const existing = store.getMeta(NODE_ID_META);
  if (existing !== undefined && isNodeId(existing)) return existing;
  const created = randomBytes(NODE_ID_HEX_DIGITS / 2).toString('hex');
  await store.setMeta(NODE_ID_META, created);
  return created;
}

interface Routing {
  placement: Placement;
  directory: ReplicaDirectory;
  view: ClusterView;
  repair: RepairControl;
  inspect: (nodeId: string, key: string) => Promise<KeyInspection>;
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
  listingNodes: () => {
    throw joining();
  },
};

/** A node of its own: every key lives here. A clustered node starts like this but answers data requests 503 (joining) until its cluster half is wired. */
function standaloneRouting(config: NodeConfig, nodeId: string, stores: OpenedStores, localReplica: LocalReplica, clock: Clock): Routing {
  const { store, hints } = stores;
  return {
    inspect: async (id, key) => {
      if (id !== nodeId) throw new SwarmError('unavailable', `${id} is not a member of this node's cluster`);
      return inspectLocally(store, hints, key);
    },
    repair: new StandaloneRepair(() => clock.nowMs()),
    placement: isClustered(config) ? joiningPlacement : new SingleNodePlacement(nodeId),
    directory: { replica: (id) => (id === nodeId ? localReplica : undefined) },
    view: new StandaloneClusterView({ nodeId, name: config.name, httpAddress: config.advertise }, store, keyPosition),
  };
}

interface SrvxServer {
  ready(): Promise<unknown>;
  close(closeAllConnections?: boolean): Promise<void>;
  node?: { server?: Server };
}

/** Listens and resolves once the socket is bound, with the URL it serves (port 0 resolved). */
async function listen(app: ReturnType<typeof buildApp>, host: string, port: number): Promise<{ server: SrvxServer; url: string }> {
  let listening: SrvxServer | undefined;
  // reusePort is off so that a second node on a taken port fails instead of silently sharing it;
  // graceful shutdown is ours (RunningNode.close), not the HTTP library's signal handler.
  app.listen({ port, hostname: host, reusePort: false, gracefulShutdown: false } as { port: number; hostname: string }, (info) => {
    listening = (info as unknown as { raw: SrvxServer }).raw;
  });
  assert(listening !== undefined, 'the Node adapter hands over its server synchronously');
  const server: SrvxServer = listening;
  await server.ready();
  const address = server.node?.server?.address() as AddressInfo;
  const boundHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { server, url: `http://${boundHost}:${address.port}` };
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
async function joinCluster(wiring: ClusterWiring, url: string, routing: Routing, announce: () => void): Promise<RunningCluster | undefined> {
  const { config, logger, store, clock } = wiring;
  if (!isClustered(config)) {
    announce();
    return undefined;
  }
  const aliveMarker = new AliveMarker({ store, clock, graceMs: config.tombstoneGraceMs, logger });
  await aliveMarker.start();
  const advertise = config.advertise.endsWith(':0') ? `${config.advertise.slice(0, -2)}:${new URL(url).port}` : config.advertise;
  // Loaded only here: hyperswarm's native stack costs a standalone node start-up time it does not need.
  const { startCluster } = await import('./main-cluster');
  const started = await startCluster({ ...wiring, config: { ...config, advertise } }, (cluster) => {
    Object.assign(routing, cluster);
    // Announced once requests route by the ring, so whoever waits for the line never meets `joining`.
    announce();
  });
  const cluster = {
    ...started,
    close: async () => {
      await started.close();
      await aliveMarker.close();
    },
  };
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
}

/** What the HTTP app reads, each through `routing`, so joining the cluster later switches it over. */
function appDeps(parts: AppParts, listeningUrl: () => string | undefined): AppDeps {
  const { config, options, nodeId, store, hints, routing, coordinator, logger, clock, recentEvents } = parts;
  return {
    recentEvents,
    listeningUrl,
    coordinator,
    nodeId,
    cluster: { members: () => routing.view.members(), ring: () => routing.view.ring(), locate: (key) => routing.view.locate(key) },
    repair: { status: () => routing.repair.status(), startPass: () => routing.repair.startPass() },
    health: { hints: () => hints.health(), repair: () => routing.repair.status() },
    inspect: (id, key) => routing.inspect(id, key),
    metrics: new HttpMetrics(() => store.stats(), () => hints.health()),
    logger,
    clock,
    store,
    keyBytesMax: config.keyBytesMax,
    dashboardDir: options.dashboardDir,
    valueBytesMax: config.valueBytesMax,
    identity: { nodeId, name: config.name, release: RELEASE, syncPolicy: config.memory ? 'memory' : config.syncPolicy },
  };
}

export async function startNode(config: NodeConfig, options: StartOptions = {}): Promise<RunningNode> {
  const startedMs = performance.now();
  const clock = options.clock ?? (config.clockOffsetMs === 0 ? systemClock : new OffsetClock(systemClock, config.clockOffsetMs));
  const recentEvents = new RecentEvents(() => clock.nowMs());
  const logger = recordingLogger(options.logger ?? createLogger(config.logLevel), recentEvents).child({ node: config.name });
  const stores = await openStores(config, clock, logger);
  const { store, nodeId, digests, hintStore, hints } = stores;
  const hlc = new HybridLogicalClock(nodeId, clock);
  const localReplica = new LocalReplica(nodeId, store, hints);
  const routing = standaloneRouting(config, nodeId, stores, localReplica, clock);
  const coordinator = coordinatorOver(routing, config, hlc, clock);
  let url: string | undefined;
  const app = buildApp(appDeps({ config, options, nodeId, store, hints, routing, coordinator, logger, clock, recentEvents }, () => url));

  let server: SrvxServer;
  try {
    ({ server, url } = await listen(app, config.host, config.port));
  } catch (error) {
    await store.close();
    throw error;
  }
  const announce = () => logListening(logger, config, store, { url, nodeId, startMs: Math.round(performance.now() - startedMs) });

  const tombstones = new TombstoneCollector({ store, clock, graceMs: config.tombstoneGraceMs, logger });
  tombstones.start();
  let cluster: RunningCluster | undefined;
  try {
    cluster = await joinCluster({ config, nodeId, store, localReplica, digests, hints, logger, clock, hlc }, url, routing, announce);
  } catch (error) {
    await tombstones.close();
    await server.close();
    await hintStore.close();
    await store.close();
    throw error;
  }

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      logger.info('node.stopping', {});
      // Leave the cluster first, so peers route around this node before its port closes.
      await cluster?.close();
      // Connections still busy after the drain bound are cut: acknowledged writes are committed already.
      const forced = setTimeout(() => server.node?.server?.closeAllConnections(), SHUTDOWN_DRAIN_MS_MAX);
      await server.close();
      clearTimeout(forced);
      await tombstones.close();
      await hintStore.close();
      await store.close();
      logger.info('node.stopped', {});
    })();
    return closing;
  };
  return { nodeId, url, close };
}
