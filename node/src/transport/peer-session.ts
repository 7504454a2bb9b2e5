// One connection's life: it opens with both sides sending a hello, which must arrive within
// HELLO_TIMEOUT_MS and prove the cluster secret. Only to a peer whose hello proved it does a node say
// who it is (identify: node id, name, HTTP address); once the peer's identify arrives, the peer counts
// as up and messages may pass, each checked by its codec first. A peer that fails any of this is cut
// off having seen nothing but our hello, which names nothing: prove first, then identify. What to do
// with an authenticated peer (de-duplication, up/down) is the table's business.

import {
  isHelloMessage,
  isIdentifyMessage,
  negotiateProtocolVersion,
  type MessageRegistry,
  type ProtocolVersionRange,
  type WireMessage,
} from '../wire';
import { helloProof, isValidHelloProof } from './cluster-keys';
import type { LinkReceiver, PeerLink } from './peer-link';
import type { PeerHello } from './transport';
import { shortKey, type TransportLog } from './transport-log';
import type { TransportStats } from './transport-stats';

/** How long a new connection may stay silent before its hello; a peer that does not speak is dropped. */
export const HELLO_TIMEOUT_MS = 5000;

export interface LocalIdentity {
  readonly nodeId: string;
  readonly name: string;
  readonly httpAddress: string;
  readonly protocolVersions: ProtocolVersionRange;
}

/** What a session needs from its transport; the PeerTable provides it. */
export interface SessionContext {
  readonly identity: LocalIdentity;
  readonly helloKey: Uint8Array;
  readonly messages: MessageRegistry;
  readonly helloTimeoutMs: number;
  readonly log: TransportLog;
  readonly stats: TransportStats;
  authenticated(session: PeerSession): void;
  received(session: PeerSession, message: WireMessage): void;
  closed(session: PeerSession): void;
}

/** `refused`: we are hanging up on the peer; nothing more it sends is read, even within this tick. */
export type SessionState = 'new' | 'awaiting_hello' | 'awaiting_identity' | 'authenticated' | 'refused' | 'closed';

export class PeerSession implements LinkReceiver {
  readonly link: PeerLink;
  readonly #context: SessionContext;
  #state: SessionState = 'new';
  #peer: PeerHello | undefined;
  #protocolVersion = 0;
  #helloTimer: ReturnType<typeof setTimeout> | undefined;
  /** Sends dropped since the peer's queue filled; logged once when it fills and once when it drains. */
  #congestedDrops = 0;

  constructor(link: PeerLink, context: SessionContext) {
    this.link = link;
    this.#context = context;
  }

  get state(): SessionState {
    return this.#state;
  }

  /** The peer's hello, once authenticated. */
  get peer(): PeerHello | undefined {
    return this.#peer;
  }

  /** Sends our hello and starts the clock on theirs. */
  start(): void {
    if (this.#state !== 'new') return;
    this.#state = 'awaiting_hello';
    this.#context.stats.connectionsOpened++;
    const { identity, helloKey, messages } = this.#context;
    const proof = helloProof(helloKey, this.link.handshakeHash, this.link.localPublicKey).toString('hex');
    const hello = {
      type: 'hello',
      protocolVersionMin: identity.protocolVersions.min,
      protocolVersionMax: identity.protocolVersions.max,
      proof,
    };
    this.#helloTimer = setTimeout(() => this.#refuse('hello_timeout', {}), this.#context.helloTimeoutMs);
    this.link.sendHello(messages.encode(hello));
  }

  receiveHello(frame: Uint8Array): void {
    if (this.#state !== 'awaiting_hello') return;
    const decoded = this.#context.messages.decode(frame);
    if (!decoded.ok || !isHelloMessage(decoded.message)) {
      this.#refuse('hello_invalid', decoded.ok ? { type: decoded.message.type } : { problem: decoded.reason, detail: decoded.detail });
      return;
    }
    const hello = decoded.message;
    const { helloKey, identity, messages } = this.#context;
    if (!isValidHelloProof(helloKey, this.link.handshakeHash, this.link.remotePublicKey, hello.proof)) {
      this.#refuse('proof_invalid', {}, true);
      return;
    }
    const protocolVersion = negotiateProtocolVersion(identity.protocolVersions, { min: hello.protocolVersionMin, max: hello.protocolVersionMax });
    if (protocolVersion === undefined) {
      this.#refuse('protocol_incompatible', { min: hello.protocolVersionMin, max: hello.protocolVersionMax }, true);
      return;
    }
    this.#protocolVersion = protocolVersion;
    this.#state = 'awaiting_identity';
    this.link.sendFrame(messages.encode({ type: 'identify', nodeId: identity.nodeId, name: identity.name, httpAddress: identity.httpAddress }));
  }

  /** The peer's identify, the first frame after a proven hello. */
  #receiveIdentity(frame: Uint8Array): void {
    const decoded = this.#context.messages.decode(frame);
    if (!decoded.ok || !isIdentifyMessage(decoded.message)) {
      this.#refuse('identify_invalid', decoded.ok ? { type: decoded.message.type } : { problem: decoded.reason, detail: decoded.detail }, true);
      return;
    }
    const peer = decoded.message;
    if (peer.nodeId === this.#context.identity.nodeId) {
      this.#refuse('self', { nodeId: peer.nodeId }, true);
      return;
    }
    clearTimeout(this.#helloTimer);
    this.#state = 'authenticated';
    this.#peer = { nodeId: peer.nodeId, name: peer.name, httpAddress: peer.httpAddress, protocolVersion: this.#protocolVersion };
    this.#context.authenticated(this);
  }

  receiveFrame(frame: Uint8Array): void {
    if (this.#state === 'awaiting_hello') {
      this.#refuse('frame_before_hello', { bytes: frame.byteLength });
      return;
    }
    if (this.#state === 'awaiting_identity') {
      this.#receiveIdentity(frame);
      return;
    }
    if (this.#state !== 'authenticated') return;
    const { messages, stats, log } = this.#context;
    stats.bytesReceived += frame.byteLength;
    const decoded = messages.decode(frame);
    if (!decoded.ok || isHelloMessage(decoded.message) || isIdentifyMessage(decoded.message)) {
      stats.messagesRefused++;
      const why = decoded.ok ? { reason: `unexpected_${decoded.message.type}`, detail: `a second ${decoded.message.type}` } : { reason: decoded.reason, detail: decoded.detail, type: decoded.type };
      log('transport.message_refused', { from: this.#peer?.nodeId, bytes: frame.byteLength, ...why });
      return;
    }
    stats.messagesReceived++;
    this.#context.received(this, decoded.message);
  }

  /** Queues an encoded message; false when it was dropped (link closed or peer congested). */
  send(frame: Uint8Array): boolean {
    if (this.#state !== 'authenticated') return false;
    const outcome = this.link.sendFrame(frame);
    const { stats, log } = this.#context;
    if (outcome === 'congested') {
      stats.messagesDroppedCongested++;
      if (this.#congestedDrops++ === 0) log('transport.peer_congested', { nodeId: this.#peer?.nodeId, bytes: frame.byteLength });
    }
    if (outcome !== 'sent') return false;
    if (this.#congestedDrops > 0) {
      log('transport.peer_drained', { nodeId: this.#peer?.nodeId, messagesDropped: this.#congestedDrops });
      this.#congestedDrops = 0;
    }
    stats.messagesSent++;
    stats.bytesSent += frame.byteLength;
    return true;
  }

  destroy(reason: string): void {
    this.link.destroy(reason);
  }

  linkClosed(): void {
    if (this.#state === 'closed') return;
    clearTimeout(this.#helloTimer);
    this.#state = 'closed';
    this.#context.closed(this);
  }

  #refuse(reason: string, fields: Record<string, unknown>, ban = false): void {
    if (this.#state !== 'awaiting_hello' && this.#state !== 'awaiting_identity') return;
    clearTimeout(this.#helloTimer);
    this.#state = 'refused';
    this.#context.stats.connectionsRefused++;
    this.#context.log('transport.connection_refused', {
      reason,
      remoteAddress: this.link.remoteAddress,
      remoteKey: shortKey(this.link.remotePublicKey),
      ...fields,
    });
    this.link.destroy(reason, { ban });
  }
}
