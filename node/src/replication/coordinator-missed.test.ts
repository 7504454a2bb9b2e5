// The coordinator's hints for replicas a successful write missed (missed-replicas.ts), against a fake
// cluster whose replicas answer, fail at once, or fail later, and whose membership can hold one dead.
import { describe, expect, test } from 'bun:test';
import { ManualClock } from '../clock';
import { SwarmError } from '../errors';
import { MemoryStore, type StoredRecord } from '../storage';
import { HybridLogicalClock } from '../version';
import { Coordinator } from './coordinator';
import { LocalReplica } from './local-replica';
import { stableWriteTargets, type Placement } from './placement';
import type { Replica } from './replica';

const NODES = ['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb', 'cccccccccccccccc'];
const [A, , C] = NODES as [string, string, string];

/** Replicas in memory; `late` ones take writes and fail them only when told to, as a request into a partition times out. */
class FakeCluster {
  readonly dead = new Set<string>();
  readonly late = new Set<string>();
  readonly #failLater: (() => void)[] = [];
  readonly #replicas = new Map(NODES.map((id) => [id, new LocalReplica(id, new MemoryStore())]));

  replica(nodeId: string): Replica | undefined {
    const real = this.#replicas.get(nodeId)!;
    if (!this.late.has(nodeId)) return real;
    const failing = () => new Promise<never>((_, reject) => this.#failLater.push(() => reject(new SwarmError('unavailable', `${nodeId} timed out`))));
    return { nodeId, read: failing, write: failing, scan: failing };
  }

  isDown(nodeId: string): boolean {
    return this.dead.has(nodeId);
  }

  failTheLateOnes(): void {
    for (const fail of this.#failLater.splice(0)) fail();
  }
}

const everywhere: Placement = { targetsFor: () => NODES.map((nodeId) => ({ nodeId })), writeTargetsFor: () => stableWriteTargets(NODES.map((nodeId) => ({ nodeId }))), listing: () => ({ nodes: NODES, rangeReplicas: [NODES] }) };

function coordinatorOver(cluster: FakeCluster, kept: [string, StoredRecord][]): Coordinator {
  const clock = new ManualClock(1_000_000);
  return new Coordinator({ hlc: new HybridLogicalClock(A, clock), clock, placement: everywhere, directory: cluster, readConsistency: 'quorum', writeConsistency: 'quorum', keepMissed: (nodeId, record) => kept.push([nodeId, record]) });
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('hints for a replica a successful write missed', () => {
  test('a replica alive when the write was sent, declared dead before its failure came, is hinted', async () => {
    const cluster = new FakeCluster();
    const kept: [string, StoredRecord][] = [];
    cluster.late.add(C);
    await coordinatorOver(cluster, kept).put('k', '1');
    cluster.dead.add(C);
    cluster.failTheLateOnes();
    await settle();
    expect(kept.map(([nodeId, record]) => [nodeId, record.key])).toEqual([[C, 'k']]);
  });

  test('a replica held dead when the write was sent is not hinted: its return asks for an anti-entropy pass', async () => {
    const cluster = new FakeCluster();
    const kept: [string, StoredRecord][] = [];
    cluster.late.add(C);
    cluster.dead.add(C);
    await coordinatorOver(cluster, kept).put('k', '1');
    cluster.failTheLateOnes();
    await settle();
    expect(kept).toEqual([]);
  });
});
