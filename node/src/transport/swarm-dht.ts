// How a node joins its DHT. Three shapes, each checked when the transport is constructed:
//   - bootstrap 'public': Hyperswarm's public bootstrap nodes, only ever by this explicit opt-in;
//   - bootstrap []: this node founds a private DHT. It runs as a DHT bootstrapper (persistent, on a
//     fixed port, told its own address: a founder left to work that out alone stays ephemeral, stores
//     nothing, and its cluster never meets; measured), and its Noise key is derived from the secret and
//     that address, so every node bootstrapping from it can dial it directly (seedNodeKeySeed);
//   - bootstrap [addresses]: a persistent node of that private DHT, dialling each address's derived key.
// `firewalled: false` throughout: measured between network namespaces, connections time out otherwise.

import HyperDHT, { type DhtNodeAddress, type KeyPair } from 'hyperdht';
import { isIPv4 } from 'node:net';
import { seedNodeKeySeed } from './cluster-keys';

const PORT_MAX = 0xffff;

export interface DhtSettings {
  readonly clusterName: string;
  readonly secret: string;
  readonly bootstrap: readonly DhtNodeAddress[] | 'public';
  /** Address the UDP socket binds; default all interfaces. */
  readonly dhtHost?: string | undefined;
  /** Fixed UDP port; required to found a private DHT. */
  readonly dhtPort?: number | undefined;
  /** The IPv4 address other nodes reach this DHT node at; defaults to dhtHost when that is one. */
  readonly dhtPublicHost?: string | undefined;
}

export interface SwarmDht {
  readonly dht: HyperDHT;
  /** The founder's derived key pair; undefined for every other node (Hyperswarm picks a random one). */
  readonly keyPair: KeyPair | undefined;
  /** Derived keys of the bootstrap addresses: founders this node dials directly. */
  readonly seedPublicKeys: Buffer[];
}

function fail(message: string): never {
  throw new TypeError(`HyperswarmTransport: ${message}`);
}

/** Throws a TypeError naming the problem; called by the transport's constructor, before any socket opens. */
export function checkDhtSettings(settings: DhtSettings): void {
  const { bootstrap, dhtPort } = settings;
  if (bootstrap === 'public') return;
  if (!Array.isArray(bootstrap)) fail("needs `bootstrap`: a list of DHT nodes, [] to found a private DHT, or 'public' to opt in to the public DHT");
  for (const node of bootstrap) {
    const valid = typeof node.host === 'string' && node.host.length > 0 && Number.isInteger(node.port) && node.port > 0 && node.port <= PORT_MAX;
    if (!valid) fail(`invalid DHT bootstrap node ${JSON.stringify(node)}: expected { host, port }`);
  }
  if (dhtPort !== undefined && !(Number.isInteger(dhtPort) && dhtPort >= 0 && dhtPort <= PORT_MAX)) fail(`invalid dhtPort ${dhtPort}`);
  if (bootstrap.length > 0) return;
  if (dhtPort === undefined || dhtPort === 0) fail('founding a private DHT (bootstrap []) needs a fixed dhtPort that the other nodes bootstrap from');
  const publicHost = publicHostOf(settings);
  if (publicHost === undefined) fail('founding a private DHT (bootstrap []) needs the IPv4 address others reach it at: dhtPublicHost, or a dhtHost other than 0.0.0.0');
}

function publicHostOf(settings: DhtSettings): string | undefined {
  const candidate = settings.dhtPublicHost ?? settings.dhtHost;
  return candidate !== undefined && isIPv4(candidate) && candidate !== '0.0.0.0' ? candidate : undefined;
}

function seedKeyPair(settings: DhtSettings, host: string, port: number): KeyPair {
  return HyperDHT.keyPair(seedNodeKeySeed(settings.clusterName, settings.secret, `${host}:${port}`));
}

export function createSwarmDht(settings: DhtSettings): SwarmDht {
  checkDhtSettings(settings);
  const { bootstrap, dhtHost, dhtPort } = settings;
  const bind = dhtHost === undefined ? {} : { host: dhtHost };
  if (bootstrap === 'public') {
    return { dht: new HyperDHT({ ...bind, firewalled: false, ...(dhtPort ? { port: dhtPort } : {}) }), keyPair: undefined, seedPublicKeys: [] };
  }
  if (bootstrap.length === 0) {
    const host = publicHostOf(settings)!;
    const port = dhtPort!;
    return { dht: HyperDHT.bootstrapper(port, host, bind), keyPair: seedKeyPair(settings, host, port), seedPublicKeys: [] };
  }
  const dht = new HyperDHT({ bootstrap: bootstrap.map(({ host, port }) => ({ host, port })), ephemeral: false, firewalled: false, ...bind, ...(dhtPort ? { port: dhtPort } : {}) });
  return { dht, keyPair: undefined, seedPublicKeys: bootstrap.map(({ host, port }) => seedKeyPair(settings, host, port).publicKey) };
}

/**
 * dht-rpc (6.27) leaks its network-interface watcher, a native handle that keeps the process alive,
 * when its UDP bind fails (a DHT port in use): destroy() awaits the failed bind and rethrows before it
 * reaches the watcher. Releasing it here lets a node whose DHT could not bind exit. Idempotent.
 */
export function releaseInterfaceWatcher(dht: HyperDHT): void {
  const io = (dht as unknown as { io?: { networkInterfaces?: { destroy(): unknown } } }).io;
  void io?.networkInterfaces?.destroy();
}
