// The Transport over a MemoryNetwork: the same hello, proof, codecs and peer table as the real one,
// over in-memory pipes, so tests of the layers above run in milliseconds and see exactly the refusals
// the real transport would make.

import { assert } from '../assert';
import { peerMessages, supportedProtocolVersions, type MessageRegistry, type ProtocolVersionRange } from '../wire';
import { deriveClusterKeys } from './cluster-keys';
import type { MemoryEndpoint, MemoryNetwork } from './memory-network';
import type { PeerLink } from './peer-link';
import { HELLO_TIMEOUT_MS } from './peer-session';
import { PeerTable } from './peer-table';
import type { PeerMessage, Transport, TransportHandlers } from './transport';
import { silentTransportLog, type TransportLog } from './transport-log';
import { emptyTransportStats, type TransportStats } from './transport-stats';

export interface MemoryTransportOptions {
  readonly nodeId: string;
  readonly name: string;
  readonly httpAddress: string;
  readonly clusterName: string;
  readonly secret: string;
  readonly log?: TransportLog;
  /** Default: the daemon's registry. */
  readonly messages?: MessageRegistry;
  readonly helloTimeoutMs?: number;
  readonly protocolVersions?: ProtocolVersionRange;
}

export class MemoryTransport implements Transport {
  readonly localNodeId: string;
  readonly #network: MemoryNetwork;
  readonly #stats: TransportStats = emptyTransportStats();
  readonly #table: PeerTable;
  readonly #endpoint: MemoryEndpoint;
  #publicKey: Uint8Array = new Uint8Array(0);
  #handlers: TransportHandlers | undefined;
  #starting: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  constructor(network: MemoryNetwork, options: MemoryTransportOptions) {
    this.localNodeId = options.nodeId;
    this.#network = network;
    const log = options.log ?? silentTransportLog;
    this.#table = new PeerTable({
      identity: {
        nodeId: options.nodeId,
        name: options.name,
        httpAddress: options.httpAddress,
        protocolVersions: options.protocolVersions ?? supportedProtocolVersions,
      },
      helloKey: deriveClusterKeys(options.clusterName, options.secret).helloKey,
      messages: options.messages ?? peerMessages,
      helloTimeoutMs: options.helloTimeoutMs ?? HELLO_TIMEOUT_MS,
      log,
      stats: this.#stats,
    });
    const self = this;
    this.#endpoint = {
      nodeId: options.nodeId,
      get publicKey() {
        return self.#publicKey;
      },
      rekey: (publicKey) => {
        this.#publicKey = publicKey;
      },
      acceptLink: (link: PeerLink) => this.#table.open(link),
      crashed: () => {
        log('transport.crashed', {});
        this.#table.dropAll('crashed');
      },
      restarted: () => {
        log('transport.restarted', {});
        if (this.#handlers !== undefined) this.#table.setHandlers(this.#handlers);
      },
    };
  }

  start(handlers: TransportHandlers): Promise<void> {
    if (this.#starting !== undefined) return this.#starting;
    assert(this.#closing === undefined, 'a closed transport does not start again');
    this.#handlers = handlers;
    this.#table.setHandlers(handlers);
    this.#network.attach(this.#endpoint);
    this.#starting = Promise.resolve();
    return this.#starting;
  }

  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    this.#table.destroyAll('closing');
    this.#network.detach(this.#endpoint);
    this.#closing = Promise.resolve();
    return this.#closing;
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
}
