// Batches of replica writes over the transport (replica-batch-messages.ts): the sending end, a
// BatchReplica for a peer, and the answering end, which merges a batch into this node's store through
// its departure gate (so a leaving node refuses it, and remembers the keys, as for single writes).

import { SwarmError } from '../errors';
import type { StoredRecord } from '../storage';
import type { RpcHandler } from '../transport';
import { batchesOf, replicaWriteBatch, replicaWriteBatchAck, type ReplicaWriteBatchAckMessage, type ReplicaWriteBatchMessage } from './replica-batch-messages';
import { recordFromWire, recordOnWire } from './replica-messages';
import type { ReplicaRequester } from './remote-replica';
import type { BatchReplica, ReplicaWriteOptions } from './replica';

/**
 * One batch's round trip: background work (a hand-over, a hint delivery), so more patient than a
 * quorum, yet short enough that a stop waiting for a hint delivery in flight stays well inside
 * SHUTDOWN_MS_MAX.
 */
export const REPLICA_WRITE_BATCH_TIMEOUT_MS = 5000;

export class RemoteBatchReplica implements BatchReplica {
  readonly nodeId: string;
  readonly #rpc: ReplicaRequester;

  constructor(nodeId: string, rpc: ReplicaRequester) {
    this.nodeId = nodeId;
    this.#rpc = rpc;
  }

  /** Sends the records in bounded batches, one after another; rejects at the first that fails. */
  async writeBatch(records: readonly StoredRecord[], options: ReplicaWriteOptions = {}): Promise<number> {
    let applied = 0;
    for (const batch of batchesOf(records.map(recordOnWire))) {
      const request: ReplicaWriteBatchMessage = options.hintFor === undefined ? { type: 'replicaWriteBatch', records: batch } : { type: 'replicaWriteBatch', records: batch, hintFor: options.hintFor };
      const answer = await this.#rpc.request(this.nodeId, request, { timeoutMs: REPLICA_WRITE_BATCH_TIMEOUT_MS });
      if (!replicaWriteBatchAck.is(answer)) throw new SwarmError('unavailable', `${this.nodeId} answered ${answer.type} to a batch of replica writes`);
      applied += answer.applied;
    }
    return applied;
  }
}

export interface ReplicaBatchRouter {
  serve(type: string, handler: RpcHandler): void;
}

/** `observeVersion` folds each record's version into this node's clock, as for single replica writes. */
export function serveReplicaBatches(rpc: ReplicaBatchRouter, local: BatchReplica, observeVersion: (version: string) => void = () => {}): void {
  rpc.serve(replicaWriteBatch.type, async (_from, body) => {
    if (!replicaWriteBatch.is(body)) throw new SwarmError('internal', `a ${replicaWriteBatch.type} handler was given another message`);
    for (const record of body.records) observeVersion(record.version);
    const applied = await local.writeBatch(body.records.map(recordFromWire), body.hintFor === undefined ? {} : { hintFor: body.hintFor });
    const answer: ReplicaWriteBatchAckMessage = { type: 'replicaWriteBatchAck', applied };
    return answer;
  });
}
