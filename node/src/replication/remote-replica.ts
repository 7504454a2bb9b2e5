// A replica on another node, reached through the transport's Rpc: the coordinator treats it exactly
// like the local store. Every call ends within the quorum deadline: with the replica's answer, or a
// SwarmError ('unavailable' when the peer is unreachable or slow) that counts as that replica failing.

import { SwarmError } from '../errors';
import { REPLICA_QUORUM_DEADLINE_MS } from '../limits';
import type { ScanOptions, ScanPage, StoredRecord } from '../storage';
import type { PeerMessage } from '../transport';
import type { Replica, ReplicaWriteAck, ReplicaWriteOptions } from './replica';
import type { ReplicaLatencies } from './replica-latency';
import { recordFromWire, recordOnWire, replicaRecord, replicaScanPage, replicaWriteAck, type ReplicaReadMessage, type ReplicaScanMessage, type ReplicaWriteMessage } from './replica-messages';

/** The part of transport's Rpc a remote replica needs. */
export interface ReplicaRequester {
  request(toNodeId: string, body: PeerMessage, options?: { readonly timeoutMs?: number }): Promise<PeerMessage>;
}

/**
 * Scans of remote replicas carry no values (listings need only keys and versions): a live record from
 * one has this in place of its value. Never stored, never returned to a client.
 */
export const VALUE_NOT_SHIPPED = '';

/** Waits for the connection to a peer that membership says is alive but that is not connected yet. */
export interface PeerConnections {
  isConnected(nodeId: string): boolean;
  whenConnected(nodeId: string, timeoutMs: number): Promise<boolean>;
}

export class RemoteReplica implements Replica {
  readonly nodeId: string;
  readonly #rpc: ReplicaRequester;
  readonly #connections: PeerConnections;
  readonly #timeoutMs: number;
  /** Where the answers' times go, for reads to ask slow replicas last (the coordinator's replicas only). */
  readonly #latencies: ReplicaLatencies | undefined;

  constructor(nodeId: string, rpc: ReplicaRequester, connections: PeerConnections, timeoutMs = REPLICA_QUORUM_DEADLINE_MS, latencies?: ReplicaLatencies) {
    this.nodeId = nodeId;
    this.#rpc = rpc;
    this.#connections = connections;
    this.#timeoutMs = timeoutMs;
    this.#latencies = latencies;
  }

  /**
   * Sends a request once connected; a peer still unconnected after the deadline counts as failing. One
   * deadline covers both the wait for the connection and the answer: with one each, a replica that had
   * just come back could hold a request for twice the quorum deadline (found by the soak: a quorum read
   * through a restarted node outlived a 3 s client timeout on a loaded machine).
   */
  #request(body: PeerMessage): Promise<PeerMessage> {
    return this.#connections.isConnected(this.nodeId) ? this.#timed(body, this.#timeoutMs) : this.#requestOnceConnected(body);
  }

  async #requestOnceConnected(body: PeerMessage): Promise<PeerMessage> {
    const startedMs = performance.now();
    if (!(await this.#connections.whenConnected(this.nodeId, this.#timeoutMs))) {
      throw new SwarmError('unavailable', `no connection to replica ${this.nodeId} within ${this.#timeoutMs} ms`);
    }
    const remainingMs = Math.ceil(this.#timeoutMs - (performance.now() - startedMs));
    if (remainingMs <= 0) throw new SwarmError('unavailable', `no answer from replica ${this.nodeId} within ${this.#timeoutMs} ms`);
    return this.#timed(body, remainingMs);
  }

  /** The request, its answer's time (or its timeout's) recorded for the read order. */
  #timed(body: PeerMessage, timeoutMs: number): Promise<PeerMessage> {
    const pending = this.#rpc.request(this.nodeId, body, { timeoutMs });
    const latencies = this.#latencies;
    if (latencies === undefined) return pending;
    const sentMs = performance.now();
    return pending.then(
      (answer) => {
        latencies.record(this.nodeId, performance.now() - sentMs);
        return answer;
      },
      (error: unknown) => {
        // A timeout is the slowest answer of all; a refusal or a lost connection says nothing about speed.
        if (error instanceof SwarmError && error.details.reason === 'timeout') latencies.record(this.nodeId, performance.now() - sentMs);
        throw error;
      },
    );
  }

  async read(key: string): Promise<StoredRecord | undefined> {
    const request: ReplicaReadMessage = { type: 'replicaRead', key };
    const answer = await this.#request(request);
    if (!replicaRecord.is(answer)) throw this.#unexpected(answer, 'replicaRecord');
    return answer.record === undefined ? undefined : recordFromWire(answer.record);
  }

  async write(record: StoredRecord, options: ReplicaWriteOptions = {}): Promise<ReplicaWriteAck> {
    const onWire = recordOnWire(record);
    const request: ReplicaWriteMessage = options.hintFor === undefined ? { type: 'replicaWrite', record: onWire } : { type: 'replicaWrite', record: onWire, hintFor: options.hintFor };
    const answer = await this.#request(request);
    if (!replicaWriteAck.is(answer)) throw this.#unexpected(answer, 'replicaWriteAck');
    return { applied: answer.applied, version: answer.version };
  }

  async scan(options: ScanOptions): Promise<ScanPage> {
    const request: ReplicaScanMessage = {
      type: 'replicaScan',
      prefix: options.prefix ?? '',
      ...(options.afterKey === undefined ? {} : { afterKey: options.afterKey }),
      limit: options.limit,
      includeTombstones: options.includeTombstones ?? false,
    };
    const answer = await this.#request(request);
    if (!replicaScanPage.is(answer)) throw this.#unexpected(answer, 'replicaScanPage');
    const records = answer.entries.map(({ key, version, updatedAtMs, deleted }) => ({ key, version, updatedAtMs, valueJson: deleted ? null : VALUE_NOT_SHIPPED }));
    return { records, resumeAfterKey: answer.resumeAfterKey };
  }

  #unexpected(answer: PeerMessage, expected: string): SwarmError {
    return new SwarmError('unavailable', `replica ${this.nodeId} answered ${answer.type} where ${expected} was expected`);
  }
}
