// A bare HyperDHT bootstrap node: the well-known first node of a private DHT, which swarmkv nodes reach
// through `--bootstrap host:port`. It joins no topic and holds no cluster secret; it only routes DHT
// traffic and stores topic announcements, so one bootstrap can serve several clusters. It is
// `HyperDHT.bootstrapper`: persistent, bound to a fixed port and told its own address up front (a node
// left to work its address out alone stays ephemeral and stores nothing; see swarm-dht.ts).
//
// Like the transport, this file loads hyperdht's native UDP stack, so it is exported only through
// ./hyperswarm.ts, never through ./index.ts.

import HyperDHT, { type DhtNodeAddress } from 'hyperdht';
import { isIPv4 } from 'node:net';
import { silentTransportLog, type TransportLog } from './transport-log';

/** Destroying the DHT waits for in-flight requests; an unreachable peer must not hold a stop hostage. */
export const DHT_BOOTSTRAP_CLOSE_MS_MAX = 2000;
const PORT_MAX = 0xffff;

export interface DhtBootstrapOptions {
  /** The IPv4 address other nodes reach this bootstrap at (what they pass as --bootstrap). */
  readonly host: string;
  /** Fixed UDP port, 1..65535: the address must stay the same for as long as nodes bootstrap from it. */
  readonly port: number;
  /** Address the UDP socket binds; default `host`. */
  readonly bindHost?: string;
  readonly log?: TransportLog;
}

/** Whether `promise` settled within `deadlineMs` (its outcome is not needed, only that it ended). */
async function settlesWithinMs(promise: Promise<unknown>, deadlineMs: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), deadlineMs)));
  const settled = await Promise.race([promise.then(() => true, () => true), timedOut]);
  clearTimeout(timer);
  return settled;
}

/** A DHT routing-table entry, as dht-rpc emits it on add-node and remove-node. */
interface RoutingNode {
  readonly host: string;
  readonly port: number;
}

/** Throws a TypeError naming the problem, before any socket opens. */
export function checkDhtBootstrapOptions(options: DhtBootstrapOptions): void {
  const { host, port } = options;
  if (!isIPv4(host) || host === '0.0.0.0') throw new TypeError(`DhtBootstrap: host must be the IPv4 address others reach it at (not 0.0.0.0), got ${JSON.stringify(host)}`);
  if (!(Number.isInteger(port) && port >= 1 && port <= PORT_MAX)) throw new TypeError(`DhtBootstrap: port must be 1..${PORT_MAX}, got ${port}`);
}

export class DhtBootstrap {
  readonly #options: DhtBootstrapOptions;
  readonly #log: TransportLog;
  #dht: HyperDHT | undefined;
  #nodeCount = 0;
  #starting: Promise<DhtNodeAddress> | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: DhtBootstrapOptions) {
    checkDhtBootstrapOptions(options);
    this.#options = options;
    this.#log = options.log ?? silentTransportLog;
  }

  /** Binds the UDP socket; resolves with the address nodes bootstrap from. Rejects if the port is taken. */
  start(): Promise<DhtNodeAddress> {
    this.#starting ??= this.#start();
    return this.#starting;
  }

  async #start(): Promise<DhtNodeAddress> {
    if (this.#closing !== undefined) throw new Error('DhtBootstrap: a closed bootstrap does not start again');
    const startedMs = performance.now();
    const { host, port, bindHost } = this.#options;
    const dht = HyperDHT.bootstrapper(port, host, { host: bindHost ?? host });
    this.#dht = dht;
    dht.on('add-node', (node: RoutingNode) => this.#onRoutingChange('dht.node_added', node, +1));
    dht.on('remove-node', (node: RoutingNode) => this.#onRoutingChange('dht.node_removed', node, -1));
    try {
      await dht.ready();
    } catch (error) {
      await dht.destroy({ force: true }).catch(() => {});
      throw error;
    }
    const bound = dht.address();
    this.#log('dht.listening', { address: `${host}:${port}`, bound: `${bound.host}:${bound.port}`, startMs: Math.round(performance.now() - startedMs) });
    return { host, port };
  }

  /** Nodes in the bootstrap's routing table: the persistent DHT nodes it knows. */
  nodeCount(): number {
    return this.#nodeCount;
  }

  /** Leaves the DHT and closes the socket, bounded by DHT_BOOTSTRAP_CLOSE_MS_MAX. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    // Not waiting for a start still under way: a bootstrap that never became ready must still close.
    const dht = this.#dht;
    if (dht === undefined || dht.destroyed) return;
    this.#log('dht.stopping', { nodes: this.#nodeCount });
    if (!(await settlesWithinMs(dht.destroy(), DHT_BOOTSTRAP_CLOSE_MS_MAX))) {
      this.#log('dht.close_forced', { afterMs: DHT_BOOTSTRAP_CLOSE_MS_MAX });
      await settlesWithinMs(dht.destroy({ force: true }), DHT_BOOTSTRAP_CLOSE_MS_MAX);
    }
    this.#log('dht.stopped', {});
  }

  #onRoutingChange(event: string, node: RoutingNode, delta: number): void {
    this.#nodeCount += delta;
    this.#log(event, { peer: `${node.host}:${node.port}`, nodes: this.#nodeCount });
  }
}
