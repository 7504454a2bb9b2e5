// Counters every transport keeps, for the metrics endpoint and for tests that check a drop was counted.

export interface TransportStats {
  /** Connections that reached the hello stage. */
  connectionsOpened: number;
  /** Connections destroyed before authentication: a bad proof, a silent peer, no common version... */
  connectionsRefused: number;
  peersUp: number;
  peersDown: number;
  messagesSent: number;
  messagesReceived: number;
  /** Received frames the codec refused (unknown type, ill-typed field, oversize), dropped unseen. */
  messagesRefused: number;
  /** Sends dropped because the peer's send queue was full: a slow or stuck peer. */
  messagesDroppedCongested: number;
  bytesSent: number;
  bytesReceived: number;
}

export function emptyTransportStats(): TransportStats {
  return {
    connectionsOpened: 0,
    connectionsRefused: 0,
    peersUp: 0,
    peersDown: 0,
    messagesSent: 0,
    messagesReceived: 0,
    messagesRefused: 0,
    messagesDroppedCongested: 0,
    bytesSent: 0,
    bytesReceived: 0,
  };
}
