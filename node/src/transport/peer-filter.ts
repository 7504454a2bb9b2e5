// A hook the transport consults per peer for every message in and out: while it blocks a peer, the
// connection to it is reported down (and stays hidden through reconnects) and every message either
// way is dropped, as a network partition would; while it holds a peer's messages, each one sent to it
// waits that long before it leaves, as on a slow link. The chaos layer provides the one in use
// (docs/chaos.md).

export interface PeerFilter {
  /** Whether every message to and from this peer is to be dropped now. */
  blocks(nodeId: string): boolean;
  /** One message to or from a blocked peer was dropped, or one a held link had no room for. */
  dropped(nodeId: string): void;
  /** How long to hold the next message to this peer before it leaves, in ms; 0 sends it at once. */
  holdMsFor(nodeId: string): number;
}
