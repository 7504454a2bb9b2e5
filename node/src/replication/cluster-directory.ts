// How the coordinator reaches each node's store: its own directly, a peer's through the transport when
// there is an authenticated connection to it. One RemoteReplica per peer, made on first use.

import type { ReplicaDirectory } from './placement';
import { RemoteReplica, type ReplicaRequester } from './remote-replica';
import type { Replica } from './replica';

export interface ConnectedPeers {
  isConnected(nodeId: string): boolean;
}

export class ClusterDirectory implements ReplicaDirectory {
  readonly #local: Replica;
  readonly #rpc: ReplicaRequester;
  readonly #peers: ConnectedPeers;
  readonly #remotes = new Map<string, RemoteReplica>();

  constructor(local: Replica, rpc: ReplicaRequester, peers: ConnectedPeers) {
    this.#local = local;
    this.#rpc = rpc;
    this.#peers = peers;
  }

  replica(nodeId: string): Replica | undefined {
    if (nodeId === this.#local.nodeId) return this.#local;
    if (!this.#peers.isConnected(nodeId)) return undefined;
    let remote = this.#remotes.get(nodeId);
    if (remote === undefined) {
      remote = new RemoteReplica(nodeId, this.#rpc);
      this.#remotes.set(nodeId, remote);
    }
    return remote;
  }

  /** Drops the cached handle of a member that is gone for good (bounded by the member table). */
  forget(nodeId: string): void {
    this.#remotes.delete(nodeId);
  }
}
