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
import { stableWriteTargets, type Placement, type ReplicaTarget } from './placement';
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
const sloppyTargets = (): ReplicaTarget[] => [{ nodeId: A }, { nodeId: B }, { nodeId: D, standInFor: C }];
const sloppy: Placement = { targetsFor: sloppyTargets, writeTargetsFor: () => stableWriteTargets(sloppyTargets()), listing: () => ({ nodes: [A, B, D], rangeReplicas: [[A, B, C]] }) };

let cluster: FakeCluster;
let coordinator: Coordinator;

beforeEach(() => {
  const clock = new ManualClock(1_000_000);
  cluster = new FakeCluster();
  coordinator = new Coordinator({ hlc: new HybridLogicalClock(A, clock), clock, placement: sloppy, directory: cluster, readConsistency: 'quorum', writeConsistency: 'quorum' });
});

/** Lets the writes still in flight after a quorum was reached (the stand-in's) land. */
const settle = () => Bun.sleep(5);

describe('writes and reads through a stand-in', () => {
  test('the stand-in holds the write as a hint for the replica it covers for, not in its main store', async () => {
    const written = await coordinator.put('k', '{"a":1}');
    expect(written.replicas).toEqual(expect.arrayContaining([A, B]));
    await settle();
    expect(cluster.stores.get(D)!.get('k')).toBeUndefined();
    expect(cluster.ledgers.get(D)!.forKey('k')).toEqual([{ target: C, record: written.result }]);
    expect(cluster.ledgers.get(D)!.health()).toMatchObject({ pending: 1, byTarget: [{ nodeId: C, count: 1 }] });
    for (const node of [A, B]) expect(cluster.stores.get(node)!.get('k')).toEqual(written.result);
  });

  test('a stand-in does not make up a quorum: with one home replica left, quorum and all answer 503; one is accepted', async () => {
    cluster.down.add(B);
    // quorum: A answers, B cannot, D's answer does not count. (A 503 write may still have landed on A.)
    const atQuorum = await coordinator.put('k', '"hinted"', 'quorum').catch((caught: unknown) => caught);
    expect((atQuorum as SwarmError).toJSON()).toMatchObject({ error: 'insufficient_replicas', needed: 2, reached: 1 });
    // all: two home replicas can never make three; nothing is even sent.
    const atAll = await coordinator.put('other', '"hinted"', 'all').catch((caught: unknown) => caught);
    expect((atAll as SwarmError).toJSON()).toMatchObject({ error: 'insufficient_replicas', needed: 3, reached: 0 });
    expect(cluster.stores.get(A)!.get('other')).toBeUndefined();
    const written = await coordinator.put('k', '"accepted"', 'one');
    await settle();
    expect(cluster.stores.get(A)!.get('k')).toEqual(written.result);
    expect(cluster.ledgers.get(D)!.forKey('k').map((hint) => hint.record)).toEqual([written.result]);
  });

  test('a read at one that reaches only the stand-in sees the hinted record', async () => {
    cluster.down.add(B);
    const written = await coordinator.put('k', '"hinted"', 'one');
    await settle();
    cluster.down.add(A);
    // Read through a node that holds no copy itself (a coordinator that is a home replica answers from its own store).
    const clock = new ManualClock(2_000_000);
    const elsewhere = new Coordinator({ hlc: new HybridLogicalClock('eeeeeeeeeeeeeeee', clock), clock, placement: sloppy, directory: cluster, readConsistency: 'quorum', writeConsistency: 'quorum' });
    expect((await elsewhere.get('k', 'one')).result).toEqual(written.result);
    expect(cluster.stores.get(D)!.get('k')).toBeUndefined();
  });

  test('a full hint store fails the write on the stand-in: it does not count, even at one', async () => {
    await coordinator.put('k1', '1');
    await coordinator.put('k2', '2');
    await settle();
    cluster.down.add(A);
    cluster.down.add(B);
    const error = await coordinator.put('k3', '3', 'one').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SwarmError);
    expect((error as SwarmError).toJSON()).toMatchObject({ error: 'insufficient_replicas', needed: 1, reached: 0 });
    expect(cluster.ledgers.get(D)!.health()).toMatchObject({ pending: 2, overflowed: 1 });
    expect(cluster.ledgers.get(D)!.forKey('k3')).toEqual([]);
    // A newer version of a key it already holds a hint for still fits (a replacement).
    cluster.down.delete(A);
    cluster.down.delete(B);
    await coordinator.put('k1', '"again"');
    await settle();
    expect(cluster.ledgers.get(D)!.forKey('k1')[0]!.record.valueJson).toBe('"again"');
  });
});
