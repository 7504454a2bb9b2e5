// The authenticated peers of one transport, by node id, and the only place handlers are called from.
// Each node id has at most one active session. A second one for the same id is settled the same way on
// both ends: two connections between the same pair of keys (both sides dialled at once) keep the one
// with the smaller handshake hash, which both ends know; a connection from a new key under a known id
// means the peer restarted, so the new one wins and the stale one is cut (peer down, then up again).

import { assert } from '../assert';
import type { MessageRegistry, WireMessage } from '../wire';
import { HeldSends } from './held-sends';
import type { PeerFilter } from './peer-filter';
import type { PeerLink } from './peer-link';
import { PeerSession, type LocalIdentity, type SessionContext } from './peer-session';
import type { PeerHello, TransportHandlers } from './transport';
import type { TransportLog } from './transport-log';
import type { TransportStats } from './transport-stats';

export interface PeerTableOptions {
  readonly identity: LocalIdentity;
  readonly helloKey: Uint8Array;
  readonly messages: MessageRegistry;
  readonly helloTimeoutMs: number;
  readonly log: TransportLog;
  readonly stats: TransportStats;
  /** An authenticated peer's connection closed (not a duplicate): the real transport reconnects. */
  onPeerLost?(peer: PeerHello, remotePublicKey: Uint8Array): void;
  onPeerFound?(peer: PeerHello): void;
  /** Peers whose messages are dropped both ways and whose connections are hidden (a chaos partition), or held (a chaos delay). */
  readonly filter?: PeerFilter;
}

function compareBytes(left: Uint8Array, right: Uint8Array): number {
  return Buffer.compare(left, right);
}

export class PeerTable implements SessionContext {
  readonly identity: LocalIdentity;
  readonly helloKey: Uint8Array;
  readonly messages: MessageRegistry;
  readonly helloTimeoutMs: number;
  readonly log: TransportLog;
  readonly stats: TransportStats;
  readonly #options: PeerTableOptions;
  readonly #active = new Map<string, PeerSession>();
  readonly #sessions = new Set<PeerSession>();
  /** Active peers the filter blocks: connected, but reported down to the handlers, their messages dropped. */
  readonly #hidden = new Set<string>();
  /** Messages a chaos delay holds, per peer, until they are due. */
  readonly #held: HeldSends;
  #handlers: TransportHandlers | undefined;
  /** Once silenced (closing, crashed), no handler is called again. */
  #silenced = false;

  constructor(options: PeerTableOptions) {
    this.#options = options;
    this.identity = options.identity;
    this.helloKey = options.helloKey;
    this.messages = options.messages;
    this.helloTimeoutMs = options.helloTimeoutMs;
    this.log = options.log;
    this.stats = options.stats;
    this.#held = new HeldSends({ release: (nodeId, frame) => this.#release(nodeId, frame), dropped: (nodeId) => options.filter?.dropped(nodeId) });
  }

  setHandlers(handlers: TransportHandlers): void {
    this.#handlers = handlers;
    this.#silenced = false;
  }

  /** Starts a session on a new link: our hello goes out at once. */
  open(link: PeerLink): PeerSession {
    const session = new PeerSession(link, this);
    this.#sessions.add(session);
    link.attach(session);
    session.start();
    return session;
  }

  connectedPeers(): string[] {
    return [...this.#active.keys()].filter((nodeId) => !this.#hidden.has(nodeId));
  }

  /**
   * Encodes first, connected or not, so that a message over the size limit (payload_too_large) fails
   * the same way whether or not the peer is there; so does a JSON-encoded message its codec refuses
   * (an assertion). A compact envelope's body is checked by its receiver only (message-registry.ts).
   */
  send(toNodeId: string, message: WireMessage): boolean {
    const session = this.#active.get(toNodeId);
    if (this.#hidden.has(toNodeId)) {
      this.#options.filter?.dropped(toNodeId);
      return false;
    }
    // In the form the peer negotiated: compact envelopes from version 2 on.
    const frame = this.messages.encode(message, session?.peer?.protocolVersion);
    if (session === undefined) return false;
    // Only a filter (a --chaos node) holds messages: every other node sends at once, asking nothing more.
    const filter = this.#options.filter;
    if (filter === undefined) return session.send(frame);
    const holdMs = filter.holdMsFor(toNodeId);
    if (holdMs === 0 && !this.#held.holding(toNodeId)) return session.send(frame);
    return this.#held.hold(toNodeId, frame, holdMs);
  }

  /** A held message whose time came: it goes over the peer's connection of now, if it has one and is not cut off. */
  #release(nodeId: string, frame: Uint8Array): void {
    if (this.#hidden.has(nodeId)) {
      this.#options.filter?.dropped(nodeId);
      return;
    }
    this.#active.get(nodeId)?.send(frame);
  }

  /**
   * Applies the filter again after it changed: an active peer it now blocks is reported down and
   * hidden, a hidden one it no longer blocks is reported up (its connection never closed).
   */
  refilter(): void {
    for (const [nodeId, session] of this.#active) {
      const blocked = this.#blocks(nodeId);
      if (blocked && !this.#hidden.has(nodeId)) {
        this.#hidden.add(nodeId);
        this.#peerDown(nodeId);
      } else if (!blocked && this.#hidden.delete(nodeId) && session.peer !== undefined) {
        this.#peerUp(session.peer);
      }
    }
  }

  /** Closes the connection to one peer (not banning it); it goes down as if the network had dropped it. */
  disconnect(nodeId: string, reason: string): boolean {
    const session = this.#active.get(nodeId);
    session?.destroy(reason);
    return session !== undefined;
  }

  /** Destroys every link without calling a handler: for close() and crashes. */
  destroyAll(reason: string): void {
    this.#silenced = true;
    this.#held.discardAll();
    this.#active.clear();
    this.#hidden.clear();
    for (const session of this.#sessions) session.destroy(reason);
  }

  /** Reports every active peer down to the handlers, then destroys every link. */
  dropAll(reason: string): void {
    for (const nodeId of [...this.#active.keys()]) {
      this.#active.delete(nodeId);
      if (!this.#hidden.delete(nodeId)) this.#peerDown(nodeId);
    }
    this.destroyAll(reason);
  }

  authenticated(session: PeerSession): void {
    const peer = session.peer;
    assert(peer !== undefined, 'an authenticated session has a peer');
    const existing = this.#active.get(peer.nodeId);
    if (existing === undefined) {
      this.#active.set(peer.nodeId, session);
      // A peer the filter blocks reconnected: it stays down for the layers above, as in a partition.
      if (this.#blocks(peer.nodeId)) this.#hidden.add(peer.nodeId);
      else this.#peerUp(peer);
      return;
    }
    const sameKey = compareBytes(existing.link.remotePublicKey, session.link.remotePublicKey) === 0;
    const keepNew = sameKey ? compareBytes(session.link.handshakeHash, existing.link.handshakeHash) < 0 : true;
    this.log('transport.duplicate_connection', { nodeId: peer.nodeId, sameKey, kept: keepNew ? 'new' : 'existing' });
    if (!keepNew) {
      session.destroy('duplicate');
      return;
    }
    this.#active.set(peer.nodeId, session);
    // Frames held for the old connection were encoded for it, and go down with it.
    this.#held.discard(peer.nodeId);
    existing.destroy('duplicate');
    if (!sameKey && !this.#hidden.has(peer.nodeId)) {
      this.#peerDown(peer.nodeId);
      this.#peerUp(peer);
    }
  }

  received(session: PeerSession, message: WireMessage): void {
    const peer = session.peer;
    // Messages from a losing duplicate still in flight are dropped: only the active session speaks.
    if (peer === undefined || this.#active.get(peer.nodeId) !== session) return;
    if (this.#hidden.has(peer.nodeId)) {
      this.#options.filter?.dropped(peer.nodeId);
      return;
    }
    this.#deliver((handlers) => handlers.onMessage(peer.nodeId, message));
  }

  closed(session: PeerSession): void {
    this.#sessions.delete(session);
    const peer = session.peer;
    if (peer === undefined || this.#active.get(peer.nodeId) !== session) return;
    this.#active.delete(peer.nodeId);
    this.#held.discard(peer.nodeId);
    // A hidden peer was reported down when it was hidden.
    if (!this.#hidden.delete(peer.nodeId)) this.#peerDown(peer.nodeId);
    if (!this.#silenced) this.#options.onPeerLost?.(peer, session.link.remotePublicKey);
  }

  #blocks(nodeId: string): boolean {
    return this.#options.filter?.blocks(nodeId) ?? false;
  }

  #peerUp(peer: PeerHello): void {
    this.stats.peersUp++;
    this.log('transport.peer_up', { ...peer });
    this.#options.onPeerFound?.(peer);
    this.#deliver((handlers) => handlers.onPeerUp(peer));
  }

  #peerDown(nodeId: string): void {
    this.stats.peersDown++;
    this.log('transport.peer_down', { nodeId });
    this.#deliver((handlers) => handlers.onPeerDown(nodeId));
  }

  /**
   * A handler that throws has a bug above the transport. It is logged and rethrown outside the
   * network stack (which would otherwise just drop the connection), so it crashes loudly.
   */
  #deliver(call: (handlers: TransportHandlers) => void): void {
    const handlers = this.#handlers;
    if (handlers === undefined || this.#silenced) return;
    try {
      call(handlers);
    } catch (error) {
      this.log('transport.handler_threw', { error: error instanceof Error ? error.message : String(error) });
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}
