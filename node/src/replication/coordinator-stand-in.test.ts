// The coordinator's stand-in path (sloppy quorum, hinted handoff) against a fake cluster of four nodes
// whose placement names D as the stand-in for C: D keeps what it is sent as a hint, never in its main
// store; reads through D see the hint; a full hint store fails the write on D, so it does not count.
import { beforeEach, describe, expect, test } from 'bun:test';
import { ManualClock } from '../clock';
import { SwarmError } from '../errors';
import { silentLogger } from '../log';
import { MemoryHintStore, MemoryStore } from '../storage';
import { HybridLogicalClock } from '../version';
import { Coordinator } from './coordinator';
import { HintLedger } from './hint-ledger';
import { LocalReplica } from './local-replica';
import type { Placement } from './placement';
import type { Replica } from './replica';

const [A, B, C, D] = ['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb', 'cccccccccccccccc', 'dddddddddddddddd'] as const;
const NODES: string[] = [A, B, C, D];

class FakeCluster {
  readonly stores = new Map(NODES.map((id) => [id, new MemoryStore()]));
  readonly ledgers = new Map(NODES.map((id) => [id, new HintLedger(new MemoryHintStore({ hintsMax: 2, hintBytesMax: 1024 * 1024 }), silentLogger)]));
  readonly replicas = new Map(NODES.map((id) => [id, new LocalReplica(id, this.stores.get(id)!, this.ledgers.get(id)!)]));
  readonly down = new Set<string>([C]);

  replica(nodeId: string): Replica | undefined {
    return this.down.has(nodeId) ? undefined : this.replicas.get(nodeId);
  }
}

/** C is down: D stands in for it. */
const sloppy: Placement = { targetsFor: () => [{ nodeId: A }, { nodeId: B }, { nodeId: D, standInFor: C }], listingNodes: () => [A, B, D] };

let cluster: FakeCluster;
let coordinator: Coordinator;

beforeEach(() => {
  const clock = new ManualClock(1_000_000);
  cluster = new FakeCluster();
  coordinator = new Coordinator({ hlc: new HybridLogicalClock(A, clock), clock, placement: sloppy, directory: cluster, readConsistency: 'quorum', writeConsistency: 'quorum' });
});

describe('writes and reads through a stand-in', () => {
  test('the stand-in holds the write as a hint for the replica it covers for, not in its main store', async () => {
    const written = await coordinator.put('k', '{"a":1}', 'all');
    expect(written.replicas.sort()).toEqual([A, B, D]);
    expect(cluster.stores.get(D)!.get('k')).toBeUndefined();
    expect(cluster.ledgers.get(D)!.forKey('k')).toEqual([{ target: C, record: written.result }]);
    expect(cluster.ledgers.get(D)!.health()).toMatchObject({ pending: 1, byTarget: [{ nodeId: C, count: 1 }] });
    for (const node of [A, B]) expect(cluster.stores.get(node)!.get('k')).toEqual(written.result);
  });

  test('a quorum read that reaches the stand-in sees the hinted record, and repairs the stale replica', async () => {
    cluster.down.add(B);
    const written = await coordinator.put('k', '"hinted"');
    expect(written.replicas.sort()).toEqual([A, D]);
    cluster.down.delete(B);
    cluster.down.add(A);
    const read = await coordinator.get('k');
    expect(read.result).toEqual(written.result);
    await Bun.sleep(5);
    expect(cluster.stores.get(B)!.get('k')).toEqual(written.result);
    expect(cluster.stores.get(D)!.get('k')).toBeUndefined();
  });

  test('read repair of a stale stand-in refreshes its hint, not its main store', async () => {
    await coordinator.put('k', '"old"', 'all');
    cluster.down.add(D);
    const newer = await coordinator.put('k', '"new"');
    cluster.down.delete(D);
    await coordinator.get('k', 'all');
    await Bun.sleep(5);
    expect(cluster.ledgers.get(D)!.forKey('k').map((hint) => hint.record.version)).toEqual([newer.result.version]);
    expect(cluster.stores.get(D)!.get('k')).toBeUndefined();
  });

  test('a full hint store fails the write on the stand-in: it does not count toward W', async () => {
    await coordinator.put('k1', '1', 'all');
    await coordinator.put('k2', '2', 'all');
    cluster.down.add(B);
    const error = await coordinator.put('k3', '3').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SwarmError);
    expect((error as SwarmError).toJSON()).toMatchObject({ error: 'insufficient_replicas', needed: 2, reached: 1 });
    expect(cluster.ledgers.get(D)!.health()).toMatchObject({ pending: 2, overflowed: 1 });
    expect(cluster.ledgers.get(D)!.forKey('k3')).toEqual([]);
    // A newer version of a key it already holds a hint for still fits (a replacement).
    cluster.down.delete(B);
    await coordinator.put('k1', '"again"', 'all');
    expect(cluster.ledgers.get(D)!.forKey('k1')[0]!.record.valueJson).toBe('"again"');
  });
});
