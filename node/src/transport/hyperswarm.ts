// The entry point for the real transport, kept apart from ./index.ts on purpose: it loads hyperswarm and
// its native UDP stack, which Bun's test runner cannot load. Only the composition root (main.ts) and the
// `*.node-test.ts` suites, which run on Node, import this file; everything else uses ./index.ts, whose
// Transport interface and in-memory fake load nothing native.

export {
  HyperswarmTransport,
  PEER_SILENCE_TIMEOUT_MS,
  SWARM_PEERS_MAX,
  TRANSPORT_CLOSE_MS_MAX,
  type HyperswarmTransportOptions,
} from './hyperswarm-transport';
export { CHANNEL_PROTOCOL } from './hyperswarm-link';
export type { DhtSettings } from './swarm-dht';
export { checkDhtBootstrapOptions, DHT_BOOTSTRAP_CLOSE_MS_MAX, DhtBootstrap, type DhtBootstrapOptions } from './dht-bootstrap';
