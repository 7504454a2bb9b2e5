// The composition root's transport: the Hyperswarm transport of a clustered node, the log its events go
// to, and, on a node started with --chaos, the partition filter every peer message passes.

import type { DhtNodeAddress } from 'hyperdht';
import { isIPv4 } from 'node:net';
import type { NodeConfig } from './config';
import type { Logger } from './log';
import type { ClusterWiring } from './main-cluster';
import { ONCE_PER_PEER_EVENTS, OncePerPeer, warnOncePerPeer } from './main-log-once';
import type { TransportLog } from './transport';
import { HyperswarmTransport } from './transport/hyperswarm';

/** Transport events too frequent for the info level: they are per connection attempt, not per change. */
const DEBUG_TRANSPORT_EVENTS = new Set(['transport.reconnect_attempt', 'transport.connection_error']);

function bootstrapOf(config: NodeConfig): readonly DhtNodeAddress[] | 'public' {
  if (config.publicDht) return 'public';
  return config.bootstrap.map((entry) => {
    const colon = entry.lastIndexOf(':');
    return { host: entry.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(entry.slice(colon + 1)) };
  });
}

/** One filter per node (per logger): a misbehaving peer's refusals are logged once each, however often it sends them. */
const refusalFilters = new WeakMap<Logger, OncePerPeer>();

export function refusalsOf(logger: Logger): OncePerPeer {
  let filter = refusalFilters.get(logger);
  if (filter === undefined) refusalFilters.set(logger, (filter = new OncePerPeer()));
  return filter;
}

export function transportLogOf(logger: Logger): TransportLog {
  const warn = warnOncePerPeer(logger, refusalsOf(logger));
  return (event, fields) => {
    if (DEBUG_TRANSPORT_EVENTS.has(event)) logger.debug(event, fields);
    else if (ONCE_PER_PEER_EVENTS.has(event)) warn(event, fields);
    else logger.info(event, fields);
  };
}

/** The transport, filtered by the chaos partition (applied again whenever it changes) on a --chaos node. */
export function createTransport(wiring: ClusterWiring): HyperswarmTransport {
  const { config, nodeId, logger, chaos } = wiring;
  const advertisedHost = config.advertise.slice(0, config.advertise.lastIndexOf(':'));
  const transport = new HyperswarmTransport({
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
    ...(chaos === undefined ? {} : { filter: chaos }),
  });
  chaos?.onPartitionChange(() => transport.refilter());
  return transport;
}

