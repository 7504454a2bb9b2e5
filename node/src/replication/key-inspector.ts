// Reads what each member holds for one key, for GET /cluster/explain/{key}: its own store's record and
// the hints it keeps for the key, answered by the member itself (over the Rpc for a peer), without
// read repair and without touching either store. A member that is down, or does not answer within the
// deadline, is reported unreachable by the caller; nothing waits longer than REPLICA_QUORUM_DEADLINE_MS.

import { SwarmError } from '../errors';
import { REPLICA_QUORUM_DEADLINE_MS } from '../limits';
import type { KvStore, StoredRecord } from '../storage';
import type { HintLedger } from './hint-ledger';
import type { PeerLiveness } from './cluster-directory';
import { keyInspect, keyInspection, type InspectedRecord, type KeyInspectionMessage, type KeyInspectMessage } from './key-inspection-messages';
import type { PeerConnections, ReplicaRequester } from './remote-replica';
import type { ReplicaRequestRouter } from './replica-server';

export type { InspectedHint, InspectedRecord } from './key-inspection-messages';

export interface KeyInspection {
  /** The member's own store's record for the key (tombstones included); undefined when it holds none. */
  readonly record: InspectedRecord | undefined;
  /** The hints the member keeps for the key, one per node they are owed to. */
  readonly hints: (InspectedRecord & { readonly target: string })[];
}

function inspected(record: StoredRecord): InspectedRecord {
  return { version: record.version, updatedAtMs: record.updatedAtMs, deleted: record.valueJson === null };
}

/** This node's own answer: synchronous reads of its store and hint store. */
export function inspectLocally(store: KvStore, hints: HintLedger | undefined, key: string): KeyInspection {
  const record = store.get(key);
  return {
    record: record === undefined ? undefined : inspected(record),
    hints: (hints?.forKey(key) ?? []).map((hint) => ({ target: hint.target, ...inspected(hint.record) })),
  };
}

/** Answers peers' keyInspect requests from this node's stores. */
export function serveKeyInspections(rpc: ReplicaRequestRouter, inspect: (key: string) => KeyInspection): void {
  rpc.serve(keyInspect.type, async (_from, body) => {
    if (!keyInspect.is(body)) throw new SwarmError('internal', `a ${keyInspect.type} handler was given another message`);
    const { record, hints } = inspect(body.key);
    const answer: KeyInspectionMessage = record === undefined ? { type: 'keyInspection', hints } : { type: 'keyInspection', record, hints };
    return answer;
  });
}

export interface KeyInspectorDeps {
  readonly selfId: string;
  readonly local: (key: string) => KeyInspection;
  readonly requester: ReplicaRequester;
  readonly connections: PeerConnections;
  readonly liveness: PeerLiveness;
  readonly timeoutMs?: number;
}

/** Asks any member, this node included, what it holds for a key. */
export class KeyInspector {
  readonly #deps: KeyInspectorDeps;
  readonly #timeoutMs: number;

  constructor(deps: KeyInspectorDeps) {
    this.#deps = deps;
    this.#timeoutMs = deps.timeoutMs ?? REPLICA_QUORUM_DEADLINE_MS;
  }

  /** What `nodeId` holds for `key`; fails ('unavailable') when the member cannot answer in time. */
  async inspect(nodeId: string, key: string): Promise<KeyInspection> {
    const { selfId, local, requester, connections, liveness } = this.#deps;
    if (nodeId === selfId) return local(key);
    if (liveness.isDown(nodeId)) throw new SwarmError('unavailable', `member ${nodeId} is down`);
    if (!connections.isConnected(nodeId) && !(await connections.whenConnected(nodeId, this.#timeoutMs))) {
      throw new SwarmError('unavailable', `no connection to member ${nodeId} within ${this.#timeoutMs} ms`);
    }
    const request: KeyInspectMessage = { type: 'keyInspect', key };
    const answer = await requester.request(nodeId, request, { timeoutMs: this.#timeoutMs });
    if (!keyInspection.is(answer)) throw new SwarmError('unavailable', `member ${nodeId} answered ${answer.type} where keyInspection was expected`);
    return { record: answer.record, hints: answer.hints };
  }
}
