// One connection to one (not yet trusted) peer, as a PeerSession sees it: the real transport implements
// it over a Noise stream and a protomux channel, the fake over an in-memory pipe. Everything above the
// link (hello, proof, codecs, de-duplication) is shared, so the fake refuses exactly what the real one does.

/** `congested`: dropped because the peer's send queue is full; `closed`: the link is gone. */
export type SendOutcome = 'sent' | 'congested' | 'closed';

export interface LinkReceiver {
  /** The peer's hello frame: always the first thing a link delivers. */
  receiveHello(frame: Uint8Array): void;
  receiveFrame(frame: Uint8Array): void;
  /** The link closed, from either side. Called once. */
  linkClosed(): void;
}

export interface PeerLink {
  /** Identical on both ends of one connection and unique to it (the Noise handshake hash). */
  readonly handshakeHash: Uint8Array;
  readonly localPublicKey: Uint8Array;
  readonly remotePublicKey: Uint8Array;
  /** For logs: host:port or a fake's name. */
  readonly remoteAddress: string;
  /** Hands the link its receiver; called once, before anything is sent. */
  attach(receiver: LinkReceiver): void;
  sendHello(frame: Uint8Array): void;
  sendFrame(frame: Uint8Array): SendOutcome;
  /** Closes the link; `ban` asks the transport not to accept this remote key again. Idempotent. */
  destroy(reason: string, options?: { readonly ban?: boolean }): void;
}
