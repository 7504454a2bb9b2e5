// Nodes for the replication tests on the in-memory network: real transports (hello, framing, codecs),
// the Rpc, SWIM membership, ring placement, remote replicas, hint ledgers, hinted handoff and the
// coordinator, several nodes in one process. The multi-process suites prove the Hyperswarm transport.

import { systemClock } from '../clock';
import { silentLogger } from '../log';
import { MembershipService, membershipProfiles } from '../membership';
import { RING_OWNERSHIP_METADATA } from '../ring';
import { MemoryHintStore, MemoryStore } from '../storage';
import { ConnectionWatch, MemoryNetwork, MemoryTransport, Rpc } from '../transport';
import { HybridLogicalClock } from '../version';
import type { ProtocolVersionRange } from '../wire';
import { ClusterDirectory } from './cluster-directory';
import { Coordinator } from './coordinator';
import { HintLedger } from './hint-ledger';
import { HintedHandoff } from './hinted-handoff';
import { LocalReplica } from './local-replica';
import { serveReplicaRequests } from './replica-server';
import { serveReplicaBatches } from './replica-batch';
import { RingPlacement } from './ring-placement';

const SECRET = 'replicated-cluster-secret';
const HINT_BOUNDS = { hintsMax: 10_000, hintBytesMax: 16 * 1024 * 1024 };
/** Hints are delivered on a fast tick here: the tests wait for them. */
const DELIVERY_INTERVAL_MS = 50;

export interface MemoryClusterNode {
  readonly nodeId: string;
  readonly store: MemoryStore;
  readonly hints: HintLedger;
  readonly coordinator: Coordinator;
  readonly membership: MembershipService;
  readonly placement: RingPlacement;
  close(): Promise<void>;
}

/** Every node of these clusters founds it: an owner of the ring from the start. */
const FOUNDING_OWNER = { [RING_OWNERSHIP_METADATA]: 'owner' };

export interface MemoryNodeOptions {
  readonly replicationFactor?: number;
  /** The wire protocol versions the node speaks (default all this build does). */
  readonly protocolVersions?: ProtocolVersionRange;
}

export async function startMemoryNode(network: MemoryNetwork, index: number, options: MemoryNodeOptions = {}): Promise<MemoryClusterNode> {
  const nodeId = (index + 1).toString(16).padStart(16, 'a');
  const store = new MemoryStore();
  const hints = new HintLedger(new MemoryHintStore(HINT_BOUNDS), silentLogger);
  const transport = new MemoryTransport(network, { nodeId, name: `n${index}`, httpAddress: `n${index}:7070`, clusterName: 'test', secret: SECRET, ...(options.protocolVersions === undefined ? {} : { protocolVersions: options.protocolVersions }) });
  const rpc = new Rpc(transport);
  const membership = new MembershipService({ self: { nodeId, name: `n${index}`, httpAddress: `n${index}:7070` }, config: membershipProfiles.local, transport, clock: systemClock, seed: index, metadata: FOUNDING_OWNER });
  const placement = new RingPlacement({ selfId: nodeId, membership, replicationFactor: options.replicationFactor ?? 3, tokensPerNode: 16 });
  membership.onMemberEvent(() => placement.refresh());
  const local = new LocalReplica(nodeId, store, hints);
  const connections = new ConnectionWatch();
  const directory = new ClusterDirectory(local, rpc, connections, membership);
  serveReplicaRequests(rpc, local);
  serveReplicaBatches(rpc, local);
  const reachability = { isHealthy: (id: string) => membership.isHealthy(id), isConnected: (id: string) => connections.isConnected(id) };
  const handoff = new HintedHandoff({ ledger: hints, directory, reachability, logger: silentLogger, intervalMs: DELIVERY_INTERVAL_MS });
  await transport.start(
    rpc.wrap({
      onPeerUp: (peer) => (connections.up(peer.nodeId), membership.peerUp(peer.nodeId)),
      onPeerDown: (peer) => (connections.down(peer), membership.peerDown(peer)),
      onMessage: (from, message) => void membership.receive(from, message),
    }),
  );
  membership.start();
  handoff.start();
  const hlc = new HybridLogicalClock(nodeId, systemClock);
  const coordinator = new Coordinator({ hlc, clock: systemClock, placement, directory, readConsistency: 'quorum', writeConsistency: 'quorum' });
  const close = async () => {
    await handoff.close();
    await membership.close();
    connections.close();
    rpc.close();
    await transport.close();
    await store.close();
  };
  return { nodeId, store, hints, coordinator, membership, placement, close };
}

/** Polls until `predicate` holds; resolves with the milliseconds it took. */
export async function waitFor(what: string, predicate: () => boolean, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (!predicate()) {
    if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return performance.now() - started;
}
