// Counts the bytes a conversation with a peer puts on the wire, by encoding each request and answer as
// the transport frames it (an rpc envelope around the body), so anti-entropy can log what each
// comparison cost. The count is exact up to the digits of the request id.

import type { PeerMessage } from '../transport';
import { peerMessages } from '../wire';
import type { ReplicaRequester } from './remote-replica';

/** A request id as the envelope carries it; real ones have a few more or fewer digits. */
const TYPICAL_REQUEST_ID = 1000;

function frameBytes(type: 'rpcRequest' | 'rpcResponse', body: PeerMessage): number {
  return peerMessages.encode({ type, requestId: TYPICAL_REQUEST_ID, body }).byteLength;
}

export class CountingRequester implements ReplicaRequester {
  bytesSent = 0;
  bytesReceived = 0;
  requests = 0;
  readonly #inner: ReplicaRequester;

  constructor(inner: ReplicaRequester) {
    this.#inner = inner;
  }

  async request(toNodeId: string, body: PeerMessage, options?: { readonly timeoutMs?: number }): Promise<PeerMessage> {
    this.bytesSent += frameBytes('rpcRequest', body);
    this.requests += 1;
    const answer = await this.#inner.request(toNodeId, body, options);
    this.bytesReceived += frameBytes('rpcResponse', answer);
    return answer;
  }
}
