// The transport layer's public surface: the Transport interface, request/response on top of it, and the
// in-memory fake network for tests. The Hyperswarm implementation is deliberately not exported here: it
// loads a native UDP stack that Bun cannot run, so it has its own entry point, ./hyperswarm.ts, which
// only the composition root and Node-run suites import. Nothing reachable from this file loads it.

export type { PeerHello, PeerMessage, Transport, TransportHandlers } from './transport';
export type { PeerFilter } from './peer-filter';
export { deriveClusterKeys, type ClusterKeys } from './cluster-keys';
export { HELLO_TIMEOUT_MS } from './peer-session';
export { PEER_SEND_QUEUE_BYTES_MAX } from './send-budget';
export { RECONNECT_ATTEMPTS_MAX, RECONNECT_DELAY_MS_MAX, RECONNECT_DELAY_MS_MIN } from './reconnect-schedule';
export { DISCOVERY_REFRESH_MS_MAX, DISCOVERY_REFRESH_MS_MIN } from './discovery-refresh';
export { MemoryNetwork, type MemoryNetworkOptions, type MemoryNetworkStats } from './memory-network';
export { MemoryTransport, type MemoryTransportOptions } from './memory-transport';
export { Rpc, RPC_IN_FLIGHT_BUSY, RPC_SERVING_MAX, RPC_TIMEOUT_MS_DEFAULT, type RpcHandler, type RpcOptions, type RpcStats } from './rpc';
export { silentTransportLog, type TransportLog } from './transport-log';
export type { TransportStats } from './transport-stats';
export { CONNECTION_WAITERS_MAX, ConnectionWatch } from './connection-watch';
