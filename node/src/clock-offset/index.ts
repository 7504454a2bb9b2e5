// The clock-offset layer: each member reads its peers' wall clocks over the peer transport, and a node
// whose clock is too far from most of theirs refuses to version writes (clock-offset-monitor.ts).
// Importing it registers the protocol's two messages in the wire registry.

export { clockProbe, clockReading } from './clock-offset-messages';
export { CLOCK_PROBE_INTERVAL_MS, CLOCK_SAMPLE_AGE_MS_MAX } from './clock-offset-limits';
export { ClockOffsetMonitor, writeRefusalOf, type ClockOffsetMonitorOptions, type ClockReading, type ClockVerdict, type PeerOffset } from './clock-offset-monitor';
export { ClockOffsetService, serveClockProbes, type ClockOffsetServiceDeps, type ClockRpc } from './clock-offset-service';
