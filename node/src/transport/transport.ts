// The network as the cluster layers see it. Two implementations share this interface and one contract
// test suite: the Hyperswarm transport (real, Noise-encrypted streams found through a DHT topic) and an
// in-memory fake that can drop, delay and partition messages, so membership and replication logic is
// tested in milliseconds and real-process tests then prove the real transport.

/** A decoded, validated peer message. `type` is one of the wire enum's names; codecs check the rest. */
export interface PeerMessage {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** What a peer told us about itself in the authenticated hello, before any other message. */
export interface PeerHello {
  /** 16 lowercase hex digits, stable across restarts of that node (kept in its data directory). */
  readonly nodeId: string;
  /** Human name of the node, for logs and the dashboard. */
  readonly name: string;
  /** host:port where the peer serves HTTP (its `--advertise` address). */
  readonly httpAddress: string;
  /** The wire protocol version both sides agreed on (highest common). */
  readonly protocolVersion: number;
}

export interface TransportHandlers {
  /** A peer proved it holds the cluster secret and said hello; messages from it may now arrive. */
  onPeerUp(peer: PeerHello): void;
  /** The connection to a peer closed. The transport keeps trying to reconnect with backoff. */
  onPeerDown(nodeId: string): void;
  /** A message from an authenticated peer, already decoded and validated by its codec. */
  onMessage(fromNodeId: string, message: PeerMessage): void;
}

export interface Transport {
  readonly localNodeId: string;
  /** Starts discovery and accepts connections. Idempotent: a second call returns the first promise. */
  start(handlers: TransportHandlers): Promise<void>;
  /** Closes every connection and leaves the topic. Idempotent: later calls return the first promise. */
  close(): Promise<void>;
  /**
   * Queues a message to a connected peer. Returns false, sending nothing, when there is no
   * authenticated connection to it; delivery is otherwise best-effort (the link can still drop).
   */
  send(toNodeId: string, message: PeerMessage): boolean;
  /** Node ids of the peers with an authenticated connection right now. */
  connectedPeers(): string[];
}
