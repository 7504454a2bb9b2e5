// The composition root: the only module that wires the layers together. `startNode` opens the store,
// establishes the node's identity, builds the coordinator and the HTTP app, and listens.

import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { buildApp, HttpMetrics, StandaloneClusterView, type ClusterView } from './api';
import { assert } from './assert';
import { systemClock, type Clock } from './clock';
import { isClustered, type NodeConfig } from './config';
import { startCluster, type ClusterWiring, type RunningCluster } from './main-cluster';
import { createLogger, type Logger } from './log';
import { Coordinator, LocalReplica, SingleNodePlacement, type Placement, type ReplicaDirectory } from './replication';
import { keyPosition } from './ring';
import { LmdbStore, MemoryStore, type KvStore } from './storage';
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
}

/** A node of its own: every key lives here. A clustered node starts like this, then joins. */
function standaloneRouting(config: NodeConfig, nodeId: string, store: KvStore, localReplica: LocalReplica): Routing {
  return {
    placement: new SingleNodePlacement(nodeId),
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
async function joinCluster(wiring: ClusterWiring, url: string, routing: Routing): Promise<RunningCluster | undefined> {
  const { config, logger } = wiring;
  if (!isClustered(config)) return undefined;
  const advertise = config.advertise.endsWith(':0') ? `${config.advertise.slice(0, -2)}:${new URL(url).port}` : config.advertise;
  const cluster = await startCluster({ ...wiring, config: { ...config, advertise } });
  Object.assign(routing, { placement: cluster.placement, directory: cluster.directory, view: cluster.view });
  logger.info('cluster.started', { cluster: config.cluster, advertise, replicas: config.replicas, profile: config.profile });
  return cluster;
}

export async function startNode(config: NodeConfig, options: StartOptions = {}): Promise<RunningNode> {
  const startedMs = performance.now();
  const clock = options.clock ?? systemClock;
  const baseLogger = options.logger ?? createLogger(config.logLevel);
  const store: KvStore = config.memory ? new MemoryStore() : new LmdbStore(config.dataDir, config.syncPolicy);
  const nodeId = await loadOrCreateNodeId(store);
  const logger = baseLogger.child({ node: config.name });
  const hlc = new HybridLogicalClock(nodeId, clock);
  const localReplica = new LocalReplica(nodeId, store);
  const routing = standaloneRouting(config, nodeId, store, localReplica);
  const coordinator = new Coordinator({
    hlc,
    clock,
    placement: { targetsFor: (key) => routing.placement.targetsFor(key), listingNodes: () => routing.placement.listingNodes() },
    directory: { replica: (id) => routing.directory.replica(id) },
    readConsistency: config.readConsistency,
    writeConsistency: config.writeConsistency,
  });
  const metrics = new HttpMetrics(() => store.stats());
  const app = buildApp({
    coordinator,
    nodeId,
    cluster: { members: () => routing.view.members(), ring: () => routing.view.ring(), locate: (key) => routing.view.locate(key) },
    metrics,
    logger,
    clock,
    store,
    keyBytesMax: config.keyBytesMax,
    valueBytesMax: config.valueBytesMax,
    identity: { nodeId, name: config.name, release: RELEASE, syncPolicy: config.memory ? 'memory' : config.syncPolicy },
  });

  let server: SrvxServer;
  let url: string;
  try {
    ({ server, url } = await listen(app, config.host, config.port));
  } catch (error) {
    await store.close();
    throw error;
  }
  logListening(logger, config, store, { url, nodeId, startMs: Math.round(performance.now() - startedMs) });

  let cluster: RunningCluster | undefined;
  try {
    cluster = await joinCluster({ config, nodeId, store, localReplica, logger, clock }, url, routing);
  } catch (error) {
    await server.close();
    await store.close();
    throw error;
  }

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      logger.info('node.stopping', {});
      // Leave the cluster first, so peers route around this node before its port closes.
      await cluster?.close();
      await server.close();
      await store.close();
      logger.info('node.stopped', {});
    })();
    return closing;
  };
  return { nodeId, url, close };
}
