// The clock-offset layer: each member reads its peers' wall clocks over the peer transport, and a node
// whose clock is too far from most of theirs refuses to version writes (clock-offset-monitor.ts).
// Importing it registers the protocol's two messages in the wire registry (through the service).

export { ClockOffsetMonitor, writeRefusalOf, type ClockVerdict } from './clock-offset-monitor';
export { ClockOffsetService, serveClockProbes, type ClockRpc } from './clock-offset-service';
