// The composition root's clock-offset wiring (clock-offset/): every member reads its peers' clocks,
// answers their reads of its own, logs when it must stop versioning writes and when it may again, and
// forgets members gone for good.

import type { MemberClockOffsets } from './api';
import { systemMonotonicClock, type Clock } from './clock';
import { ClockOffsetMonitor, ClockOffsetService, serveClockProbes, type ClockRpc, type ClockVerdict } from './clock-offset';
import type { NodeConfig } from './config';
import type { Logger } from './log';
import type { MembershipService } from './membership';

interface ClockWiring {
  readonly config: NodeConfig;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** The clock offsets /cluster/members shows: each peer's from this node's clock, and this node's from the cluster's. */
export function clockOffsetsOf(monitor: ClockOffsetMonitor): MemberClockOffsets {
  const { offsetMs, maxOffsetMs, synchronized } = monitor.verdict();
  return { self: { offsetMs, maxOffsetMs, synchronized }, peers: new Map(monitor.peers().map((peer) => [peer.nodeId, Math.round(peer.offsetMs)])) };
}

function logClockVerdict(logger: Logger, verdict: ClockVerdict): void {
  const { offsetMs, maxOffsetMs, peersMeasured, peersBeyond } = verdict;
  if (verdict.synchronized) logger.info('clock.offset_restored', { offsetMs, maxOffsetMs, peersMeasured, peersBeyond });
  else logger.warn('clock.offset_exceeded', { offsetMs, maxOffsetMs, peersMeasured, peersBeyond });
}

/**
 * Reads the peers' clocks, answers theirs, and forgets members gone for good. `rememberedPeers`: the node
 * remembers other members of its ring (a restart), so it expects peers and holds writes until its first
 * reading of one, as it does once it knows any alive (ClockOffsetService.firstReading).
 */
export function startClockOffsets(wiring: ClockWiring, rpc: ClockRpc, membership: MembershipService, rememberedPeers: boolean): { monitor: ClockOffsetMonitor; service: ClockOffsetService } {
  const { config, clock, logger } = wiring;
  const monitor = new ClockOffsetMonitor({ clock, monotonic: systemMonotonicClock, maxOffsetMs: config.maxClockOffsetMs, onChange: (verdict) => logClockVerdict(logger, verdict) });
  serveClockProbes(rpc, clock);
  const others = () => membership.members().filter((member) => !member.self && (member.state === 'alive' || member.state === 'suspect'));
  const peers = () => others().filter((member) => member.connected).map((member) => member.nodeId);
  const holdWritesUntilRead = () => config.maxClockOffsetMs > 0 && (rememberedPeers || others().length > 0);
  const service = new ClockOffsetService({ rpc, monitor, peers, holdWritesUntilRead });
  membership.onMemberEvent((event) => {
    if (event.type === 'memberRemoved') monitor.forget(event.nodeId);
    else if (event.type === 'memberChanged' && event.member.state === 'left') monitor.forget(event.member.nodeId);
  });
  return { monitor, service };
}
