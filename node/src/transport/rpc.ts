// Request and response over any Transport: "write this record to replica X and wait for its ack". A
// request is an rpcRequest envelope around a registered message, matched to its rpcResponse (or
// rpcError) by a correlation id and the node it was sent to. Every request ends: with the answer, an
// error from the peer (its SwarmError code carried over), or 'unavailable' when it times out, the
// peer goes down, too many are in flight, or the Rpc closes. Both directions are bounded.

import { assert, AssertionError } from '../assert';
import { isSwarmError, SwarmError, type ErrorCode } from '../errors';
import { ERROR_MESSAGE_CHARS_MAX, isRpcErrorMessage, isRpcRequestMessage, isRpcResponseMessage, type RpcRequestMessage, type WireMessage } from '../wire';
import type { PeerMessage, Transport, TransportHandlers } from './transport';
import { silentTransportLog, type TransportLog } from './transport-log';

/** Callers with a deadline of their own (a quorum, say) pass it per request. */
export const RPC_TIMEOUT_MS_DEFAULT = 2000;
/**
 * Requests awaiting one peer's answer; beyond it a request to that peer fails at once, as it would
 * when its deadline passed, only sooner. The bound is per peer so that a peer gone silent (killed, cut
 * off) before the failure detector says so cannot hold the slots every other peer's requests need:
 * with one bound of 1,024 for all peers, a node killed under ~3,000 quorum writes a second had taken
 * them all within 1.3 s (requests to it outlive the client's answer, waiting for their deadline), and
 * the survivors refused writes their healthy replicas could have acknowledged until those timed out
 * (test/kill-under-load.test.ts). Twice the HTTP connections a node accepts (512): every client request
 * in flight at once, each with two requests to the same peer (a stand-in's hint and its own copy).
 */
export const RPC_IN_FLIGHT_PER_PEER_MAX = 1024;
/**
 * Requests awaiting an answer, all peers together; beyond it a request fails at once. The memory bound
 * (a few hundred bytes each, ~8 MB in all): it takes 16 silent peers at their own bound to reach it.
 */
export const RPC_IN_FLIGHT_MAX = 16 * RPC_IN_FLIGHT_PER_PEER_MAX;
/** Beyond this many requests in flight a node counts as busy, and background work (anti-entropy) waits. */
export const RPC_IN_FLIGHT_BUSY = 512;
/** Requests from peers being handled at once; beyond it they are answered 'unavailable' at once. */
export const RPC_SERVING_MAX = 256;

export type RpcHandler = (fromNodeId: string, body: PeerMessage) => Promise<PeerMessage> | PeerMessage;

export interface RpcOptions {
  readonly timeoutMs?: number;
  readonly inFlightMax?: number;
  readonly inFlightPerPeerMax?: number;
  readonly servingMax?: number;
  readonly log?: TransportLog;
}

export interface RpcStats {
  requests: number;
  responses: number;
  remoteErrors: number;
  timeouts: number;
  /** Requests refused locally: not connected, too many in flight, closed, peer down. */
  unavailable: number;
  served: number;
  servedBusy: number;
  /** Answers for requests that had already ended (timed out), or from the wrong node. */
  unmatchedAnswers: number;
}

interface Pending {
  readonly nodeId: string;
  readonly resolve: (body: PeerMessage) => void;
  readonly reject: (error: SwarmError) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

export class Rpc {
  readonly stats: RpcStats = { requests: 0, responses: 0, remoteErrors: 0, timeouts: 0, unavailable: 0, served: 0, servedBusy: 0, unmatchedAnswers: 0 };
  readonly #transport: Transport;
  readonly #timeoutMs: number;
  readonly #inFlightMax: number;
  readonly #inFlightPerPeerMax: number;
  readonly #servingMax: number;
  readonly #log: TransportLog;
  readonly #pending = new Map<number, Pending>();
  /** How many of #pending await each peer; a peer with none has no entry. */
  readonly #pendingByPeer = new Map<string, number>();
  readonly #handlers = new Map<string, RpcHandler>();
  #nextRequestId = 1;
  #serving = 0;
  #closed = false;

  constructor(transport: Transport, options: RpcOptions = {}) {
    this.#transport = transport;
    this.#timeoutMs = options.timeoutMs ?? RPC_TIMEOUT_MS_DEFAULT;
    this.#inFlightMax = options.inFlightMax ?? RPC_IN_FLIGHT_MAX;
    this.#inFlightPerPeerMax = options.inFlightPerPeerMax ?? RPC_IN_FLIGHT_PER_PEER_MAX;
    this.#servingMax = options.servingMax ?? RPC_SERVING_MAX;
    this.#log = options.log ?? silentTransportLog;
  }

  /** Answers requests whose body has this type. One handler per type. */
  serve(type: string, handler: RpcHandler): void {
    assert(!this.#handlers.has(type), `an rpc handler for ${type} is already registered`);
    this.#handlers.set(type, handler);
  }

  /** Sends `body` to a peer and resolves with its answer; rejects with a SwarmError. */
  request(toNodeId: string, body: PeerMessage, options: { readonly timeoutMs?: number } = {}): Promise<PeerMessage> {
    this.stats.requests++;
    if (this.#closed) return this.#unavailable(toNodeId, 'closed', 'the rpc is closed');
    if (this.#pending.size >= this.#inFlightMax) return this.#unavailable(toNodeId, 'busy', `${this.#pending.size} requests already in flight`);
    const toPeer = this.#pendingByPeer.get(toNodeId) ?? 0;
    if (toPeer >= this.#inFlightPerPeerMax) return this.#unavailable(toNodeId, 'busy', `${toPeer} requests to ${toNodeId} already in flight`);
    const requestId = this.#nextRequestId++;
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const answer = new Promise<PeerMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#forget(requestId, toNodeId);
        this.stats.timeouts++;
        reject(new SwarmError('unavailable', `no answer from ${toNodeId} within ${timeoutMs} ms`, { nodeId: toNodeId, reason: 'timeout' }));
      }, timeoutMs);
      this.#pending.set(requestId, { nodeId: toNodeId, resolve, reject, timer });
      this.#pendingByPeer.set(toNodeId, toPeer + 1);
    });
    let sent: boolean;
    try {
      sent = this.#transport.send(toNodeId, { type: 'rpcRequest', requestId, body });
    } catch (error) {
      // payload_too_large, or an assertion; the unsettled `answer` is dropped unobserved.
      this.#settle(requestId);
      if (isSwarmError(error)) return Promise.reject(error);
      throw error;
    }
    if (!sent) this.#settle(requestId)?.reject(this.#unavailableError(toNodeId, 'not_connected', `no connection to ${toNodeId}`));
    return answer;
  }

  inFlight(): number {
    return this.#pending.size;
  }

  /** Requests awaiting this peer's answer. */
  inFlightTo(nodeId: string): number {
    return this.#pendingByPeer.get(nodeId) ?? 0;
  }

  /** Handlers for Transport.start: consumes the rpc envelopes, fails requests to peers that go down. */
  wrap(handlers: TransportHandlers): TransportHandlers {
    return {
      onPeerUp: (peer) => handlers.onPeerUp(peer),
      onPeerDown: (nodeId) => {
        this.#failPeer(nodeId);
        handlers.onPeerDown(nodeId);
      },
      onMessage: (fromNodeId, message) => {
        if (!this.#accept(fromNodeId, message)) handlers.onMessage(fromNodeId, message);
      },
    };
  }

  /** Fails every pending request; later requests fail at once. Idempotent. */
  close(): void {
    this.#closed = true;
    for (const [requestId, pending] of [...this.#pending]) {
      this.#settle(requestId);
      this.stats.unavailable++;
      pending.reject(new SwarmError('unavailable', 'the rpc closed', { nodeId: pending.nodeId, reason: 'closed' }));
    }
  }

  #accept(fromNodeId: string, message: WireMessage): boolean {
    if (isRpcRequestMessage(message)) {
      void this.#answer(fromNodeId, message);
      return true;
    }
    if (isRpcResponseMessage(message) || isRpcErrorMessage(message)) {
      const pending = this.#pending.get(message.requestId);
      if (pending === undefined || pending.nodeId !== fromNodeId) {
        this.stats.unmatchedAnswers++;
        this.#log('transport.rpc_unmatched_answer', { from: fromNodeId, requestId: message.requestId });
        return true;
      }
      this.#settle(message.requestId);
      if (isRpcResponseMessage(message)) {
        this.stats.responses++;
        pending.resolve(message.body);
      } else {
        this.stats.remoteErrors++;
        pending.reject(new SwarmError(message.code, message.message, { nodeId: fromNodeId }));
      }
      return true;
    }
    return false;
  }

  async #answer(fromNodeId: string, request: RpcRequestMessage): Promise<void> {
    const { requestId, body } = request;
    const handler = this.#handlers.get(body.type);
    if (handler === undefined) return this.#replyError(fromNodeId, requestId, 'route_not_found', `no handler for ${body.type}`);
    if (this.#serving >= this.#servingMax) {
      this.stats.servedBusy++;
      return this.#replyError(fromNodeId, requestId, 'unavailable', `busy: ${this.#serving} requests being served`);
    }
    this.#serving++;
    this.stats.served++;
    try {
      const answer = await handler(fromNodeId, body);
      this.#transport.send(fromNodeId, { type: 'rpcResponse', requestId, body: answer });
    } catch (error) {
      if (isSwarmError(error)) return this.#replyError(fromNodeId, requestId, error.code, error.message);
      // An assertion (say, an answer its own codec refuses) must crash loudly, not become a reply.
      if (error instanceof AssertionError) throw error;
      // Any other failure: the peer learns only that it failed; the details stay in our log.
      this.#log('transport.rpc_handler_failed', { from: fromNodeId, type: body.type, error: error instanceof Error ? error.message : String(error) });
      this.#replyError(fromNodeId, requestId, 'internal', 'the handler failed');
    } finally {
      this.#serving--;
    }
  }

  #replyError(toNodeId: string, requestId: number, code: ErrorCode, message: string): void {
    this.#transport.send(toNodeId, { type: 'rpcError', requestId, code, message: message.slice(0, ERROR_MESSAGE_CHARS_MAX) });
  }

  #failPeer(nodeId: string): void {
    for (const [requestId, pending] of [...this.#pending]) {
      if (pending.nodeId !== nodeId) continue;
      this.#settle(requestId);
      this.stats.unavailable++;
      pending.reject(new SwarmError('unavailable', `${nodeId} went down`, { nodeId, reason: 'peer_down' }));
    }
  }

  /** Removes a pending request and stops its timer; returns it if it was still pending. */
  #settle(requestId: number): Pending | undefined {
    const pending = this.#pending.get(requestId);
    if (pending === undefined) return undefined;
    clearTimeout(pending.timer);
    this.#forget(requestId, pending.nodeId);
    return pending;
  }

  #forget(requestId: number, nodeId: string): void {
    this.#pending.delete(requestId);
    const left = (this.#pendingByPeer.get(nodeId) ?? 1) - 1;
    if (left > 0) this.#pendingByPeer.set(nodeId, left);
    else this.#pendingByPeer.delete(nodeId);
  }

  #unavailableError(nodeId: string, reason: string, message: string): SwarmError {
    this.stats.unavailable++;
    return new SwarmError('unavailable', message, { nodeId, reason });
  }

  #unavailable(nodeId: string, reason: string, message: string): Promise<never> {
    return Promise.reject(this.#unavailableError(nodeId, reason, message));
  }
}
