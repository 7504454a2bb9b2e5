// The other end of RemoteReplica: answers replica requests from peers out of this node's own store.
// The Rpc bounds how many are served at once; the codecs have already checked every field.

import type { RpcHandler } from '../transport';
import type { Replica } from './replica';
import {
  recordFromWire,
  recordOnWire,
  replicaRead,
  replicaScan,
  replicaWrite,
  type ReplicaRecordMessage,
  type ReplicaScanPageMessage,
  type ReplicaWriteAckMessage,
} from './replica-messages';
import { SwarmError } from '../errors';

/** The part of transport's Rpc the server needs. */
export interface ReplicaRequestRouter {
  serve(type: string, handler: RpcHandler): void;
}

function wrongBody(type: string): SwarmError {
  return new SwarmError('internal', `a ${type} handler was given another message`);
}

/**
 * `observeVersion` folds the version of every record a peer sends into this node's hybrid logical
 * clock, so that a node whose wall clock lags still versions its next writes above what it has seen.
 */
export function serveReplicaRequests(rpc: ReplicaRequestRouter, local: Replica, observeVersion: (version: string) => void = () => {}): void {
  rpc.serve(replicaRead.type, async (_from, body) => {
    if (!replicaRead.is(body)) throw wrongBody(replicaRead.type);
    const record = await local.read(body.key);
    const answer: ReplicaRecordMessage = record === undefined ? { type: 'replicaRecord' } : { type: 'replicaRecord', record: recordOnWire(record) };
    return answer;
  });
  rpc.serve(replicaWrite.type, async (_from, body) => {
    if (!replicaWrite.is(body)) throw wrongBody(replicaWrite.type);
    observeVersion(body.record.version);
    const ack = await local.write(recordFromWire(body.record), body.hintFor === undefined ? {} : { hintFor: body.hintFor });
    const answer: ReplicaWriteAckMessage = { type: 'replicaWriteAck', applied: ack.applied, version: ack.version };
    return answer;
  });
  rpc.serve(replicaScan.type, async (_from, body) => {
    if (!replicaScan.is(body)) throw wrongBody(replicaScan.type);
    const { prefix, afterKey, limit, includeTombstones } = body;
    const page = await local.scan({ prefix, afterKey, limit, includeTombstones });
    const entries = page.records.map(({ key, version, updatedAtMs, valueJson }) => ({ key, version, updatedAtMs, deleted: valueJson === null }));
    const answer: ReplicaScanPageMessage = page.resumeAfterKey === undefined ? { type: 'replicaScanPage', entries } : { type: 'replicaScanPage', entries, resumeAfterKey: page.resumeAfterKey };
    return answer;
  });
}
