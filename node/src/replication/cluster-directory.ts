// How the coordinator reaches each node's store: its own directly, a peer's through the transport when
// there is an authenticated connection to it, or when membership says the peer is alive (the
// connection is then awaited, within the quorum deadline). One RemoteReplica per peer, made on first use;
// their answers' times tell which peers answer slowly (replica-latency.ts).

import type { ReplicaDirectory } from './placement';
import { RemoteReplica, type PeerConnections, type ReplicaRequester } from './remote-replica';
import { ReplicaLatencies } from './replica-latency';
import type { BatchReplica, BatchReplicaDirectory, Replica } from './replica';
import { RemoteBatchReplica } from './replica-batch';

/** Membership's word on a peer. */
export interface PeerLiveness {
  /** Alive: a connection to it is expected, even if not up yet. */
  isHealthy(nodeId: string): boolean;
  /**
   * Dead or left: not worth a request even over a connection that is still open (a stopped process
   * keeps its sockets until the transport's silence timeout), so its share fails at once.
   */
  isDown(nodeId: string): boolean;
}

export class ClusterDirectory implements ReplicaDirectory, BatchReplicaDirectory {
  readonly #local: Replica & BatchReplica;
  readonly #rpc: ReplicaRequester;
  readonly #connections: PeerConnections;
  readonly #liveness: PeerLiveness;
  readonly #remotes = new Map<string, RemoteReplica>();
  readonly #batchRemotes = new Map<string, RemoteBatchReplica>();
  /** How fast each peer has lately answered this node's replica reads and writes. */
  readonly latencies = new ReplicaLatencies();

  constructor(local: Replica & BatchReplica, rpc: ReplicaRequester, connections: PeerConnections, liveness: PeerLiveness) {
    this.#local = local;
    this.#rpc = rpc;
    this.#connections = connections;
    this.#liveness = liveness;
  }

  replica(nodeId: string): Replica | undefined {
    if (nodeId === this.#local.nodeId) return this.#local;
    if (!this.#reachable(nodeId)) return undefined;
    let remote = this.#remotes.get(nodeId);
    if (remote === undefined) {
      remote = new RemoteReplica(nodeId, this.#rpc, this.#connections, undefined, this.latencies);
      this.#remotes.set(nodeId, remote);
    }
    return remote;
  }

  batchReplica(nodeId: string): BatchReplica | undefined {
    if (nodeId === this.#local.nodeId) return this.#local;
    if (!this.#reachable(nodeId)) return undefined;
    let remote = this.#batchRemotes.get(nodeId);
    if (remote === undefined) {
      remote = new RemoteBatchReplica(nodeId, this.#rpc);
      this.#batchRemotes.set(nodeId, remote);
    }
    return remote;
  }

  answersSlowly(nodeId: string, among: readonly { readonly nodeId: string }[]): boolean {
    return this.latencies.slowAmong(nodeId, among);
  }

  isDown(nodeId: string): boolean {
    return this.#liveness.isDown(nodeId);
  }

  #reachable(nodeId: string): boolean {
    return !this.#liveness.isDown(nodeId) && (this.#connections.isConnected(nodeId) || this.#liveness.isHealthy(nodeId));
  }

  /** Drops the cached handle of a member that is gone for good (bounded by the member table). */
  forget(nodeId: string): void {
    this.#remotes.delete(nodeId);
    this.#batchRemotes.delete(nodeId);
    this.latencies.forget(nodeId);
  }
}
