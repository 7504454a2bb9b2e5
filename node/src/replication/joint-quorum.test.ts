// Joint write quorums while the ring changes (ring-placement.ts, write-quorum.ts, quorum.ts): which
// replica sets a write must meet a quorum in, and the hand-over window they close, reproduced
// deterministically with real coordinators and stores, one replica's writes held back.

import { describe, expect, test } from 'bun:test';
import { systemClock } from '../clock';
import { SwarmError } from '../errors';
import { RING_DIGEST_METADATA, RING_OWNERSHIP_METADATA, type RingOwnership } from '../ring';
import { silentLogger } from '../log';
import { MemoryHintStore, MemoryStore } from '../storage';
import { HybridLogicalClock } from '../version';
import { Coordinator } from './coordinator';
import { HintLedger } from './hint-ledger';
import { LocalReplica } from './local-replica';
import { NO_JOINT_SETS, placementThrough, type ReplicaDirectory } from './placement';
import { gatherJointQuorum } from './quorum';
import type { Replica } from './replica';
import { PREVIOUS_RING_GRACE_MS_MAX, RingPlacement, type PlacementMembership } from './ring-placement';
import { standInsWithOwnCopy, writeQuorumGroups } from './write-quorum';

const A = 'aaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbb';
const C = 'cccccccccccccccc';
const D = 'dddddddddddddddd';
const KEYS = Array.from({ length: 300 }, (_, index) => `key-${index}`);

/** A membership view: each member with the ownership and ring digest it reports; alive unless marked unhealthy. */
class View implements PlacementMembership {
  readonly ownership: Record<string, RingOwnership>;
  readonly digests: Record<string, string> = {};
  /** Members this node holds suspect: writes do not go to them, but they are up. */
  readonly unhealthy = new Set<string>();
  /** Members this node holds dead. */
  readonly down = new Set<string>();

  constructor(ownership: Record<string, RingOwnership>) {
    this.ownership = ownership;
  }

  ringMemberIds = () => Object.keys(this.ownership).sort();
  isHealthy = (nodeId: string) => nodeId in this.ownership && !this.unhealthy.has(nodeId) && !this.down.has(nodeId);
  isDown = (nodeId: string) => this.down.has(nodeId);
  knows = (nodeId: string) => nodeId in this.ownership;
  metadataOf = (nodeId: string) => (nodeId in this.ownership ? { [RING_OWNERSHIP_METADATA]: this.ownership[nodeId], [RING_DIGEST_METADATA]: this.digests[nodeId] } : undefined);
}

function placementOf(view: View, selfId = A, nowMs: () => number = () => 0): RingPlacement {
  return new RingPlacement({ selfId, membership: view, replicationFactor: 3, tokensPerNode: 8, selfOwnership: () => view.ownership[selfId]!, nowMs });
}

const replicasIn = (placement: RingPlacement, key: string) => placement.current().ring.preferenceList(key, 3);

describe('the replica sets of a write', () => {
  test('a stable ring has no joint set: a write is what it always was', () => {
    const placement = placementOf(new View({ [A]: 'owner', [B]: 'owner', [C]: 'owner', [D]: 'owner' }));
    for (const key of KEYS) {
      const { targets, jointSets } = placement.writeTargetsFor(key);
      expect(jointSets).toBe(NO_JOINT_SETS);
      expect(targets).toEqual(placement.targetsFor(key));
    }
  });

  test('while a node joins, each key also needs a quorum of its replicas in the join ring, and they are all targets', () => {
    const placement = placementOf(new View({ [A]: 'owner', [B]: 'owner', [C]: 'owner', [D]: 'joining' }));
    const joinRing = placement.joinRing(D)!;
    for (const key of KEYS) {
      const { targets, jointSets } = placement.writeTargetsFor(key);
      expect(jointSets).toEqual([joinRing.preferenceList(key, 3)]);
      expect(new Set(targets.map((target) => target.nodeId))).toEqual(new Set([...replicasIn(placement, key), ...joinRing.preferenceList(key, 3)]));
      const groups = writeQuorumGroups('quorum', targets, jointSets);
      expect(groups.map((group) => group.needed)).toEqual([2, 2]);
      if (targets.some((target) => target.nodeId === D)) expect(groups[0]!.counts(D)).toBe(false);
      expect(groups[1]!.counts(D)).toBe(joinRing.preferenceList(key, 3).includes(D));
      expect(writeQuorumGroups('one', targets, jointSets)).toHaveLength(1);
    }
  });

  test('while a node leaves, each key also needs a quorum of its replicas in the ring without it', () => {
    const placement = placementOf(new View({ [A]: 'owner', [B]: 'owner', [C]: 'owner', [D]: 'leaving' }));
    const withoutD = placementOf(new View({ [A]: 'owner', [B]: 'owner', [C]: 'owner' }));
    for (const key of KEYS) expect(placement.writeTargetsFor(key).jointSets).toEqual([replicasIn(withoutD, key)]);
  });

  /** D, joining a ring of A, B and C, becomes an owner, seen from A while B, C and D still report the ring before. */
  function ringChangedOnA() {
    const view = new View({ [A]: 'owner', [B]: 'owner', [C]: 'owner', [D]: 'joining' });
    const placement = placementOf(view);
    const before = placement.current().ring;
    for (const nodeId of [B, C, D]) view.digests[nodeId] = before.digest;
    view.ownership[D] = 'owner';
    placement.refresh();
    return { view, placement, before, after: placement.current().ring };
  }

  test('after the ring changed, the previous ring counts until no member reports it', () => {
    const { view, placement, before, after } = ringChangedOnA();
    expect(after.digest).not.toBe(before.digest);
    for (const key of KEYS.slice(0, 50)) expect(placement.writeTargetsFor(key).jointSets).toEqual([before.preferenceList(key, 3)]);
    view.digests[B] = after.digest;
    view.digests[C] = after.digest;
    placement.refresh();
    expect(placement.jointRings()).toHaveLength(1);
    view.digests[D] = after.digest;
    placement.refresh();
    expect(placement.jointRings()).toHaveLength(0);
    expect(placement.writeTargetsFor('k').jointSets).toBe(NO_JOINT_SETS);
  });

  test('a member held suspect keeps the previous ring counting while it reports it: it may still read by it; a dead one does not', () => {
    const { view, placement, before, after } = ringChangedOnA();
    // B is slow to answer (suspect) and has not heard of the change; everyone else has moved on.
    view.unhealthy.add(B);
    view.digests[C] = after.digest;
    view.digests[D] = after.digest;
    placement.refresh();
    for (const key of KEYS.slice(0, 50)) expect(placement.writeTargetsFor(key).jointSets).toEqual([before.preferenceList(key, 3)]);
    // Declared dead, its last report no longer holds the grace.
    view.unhealthy.delete(B);
    view.down.add(B);
    placement.refresh();
    expect(placement.writeTargetsFor('k').jointSets).toBe(NO_JOINT_SETS);
  });

  test('the previous ring counts for PREVIOUS_RING_GRACE_MS_MAX at most, even if a member never reports the new one', () => {
    let nowMs = 0;
    const view = new View({ [A]: 'owner', [B]: 'owner', [C]: 'owner', [D]: 'joining' });
    const placement = placementOf(view, A, () => nowMs);
    for (const nodeId of [B, C, D]) view.digests[nodeId] = placement.current().ring.digest;
    view.ownership[D] = 'owner';
    placement.refresh();
    nowMs += PREVIOUS_RING_GRACE_MS_MAX - 1;
    expect(placement.writeTargetsFor('k').jointSets).toHaveLength(1);
    expect(placement.jointRings()).toHaveLength(1);
    nowMs += 1;
    expect(placement.jointRings()).toHaveLength(0);
    expect(placement.writeTargetsFor('k').jointSets).toBe(NO_JOINT_SETS);
  });
});

describe('a ring change with a replica down', () => {
  const E = 'eeeeeeeeeeeeeeee';
  /** A placement on A while `ownership` holds, with `dead` down. */
  function withDead(ownership: Record<string, RingOwnership>, dead: string) {
    const view = new View(ownership);
    view.down.add(dead);
    return { placement: placementOf(view), dead };
  }

  /** After E joined a ring of four, the previous ring still counts (B reports it) when D dies. */
  function previousRingWithDead() {
    const view = new View({ [A]: 'owner', [B]: 'owner', [C]: 'owner', [D]: 'owner', [E]: 'joining' });
    const placement = placementOf(view);
    view.digests[B] = placement.current().ring.digest;
    view.ownership[E] = 'owner';
    view.down.add(D);
    placement.refresh();
    return { placement, dead: D };
  }

  // A join cannot meet it: the join ring is the current ring plus the joiner, so a stand-in (the node
  // past the key's replicas in the current ring) is never among the key's replicas there.
  const changes: [string, () => { placement: RingPlacement; dead: string }][] = [
    ['a leave', () => withDead({ [A]: 'owner', [B]: 'owner', [C]: 'owner', [D]: 'owner', [E]: 'leaving' }, D)],
    ['a leave from a ring of four', () => withDead({ [A]: 'owner', [B]: 'owner', [C]: 'owner', [D]: 'leaving' }, C)],
    ['the grace after a join', previousRingWithDead],
  ];

  test.each(changes)('during %s, the healthy nodes can meet every quorum a write needs', (_, setUp) => {
    const { placement, dead } = setUp();
    let standInsInJointSets = 0;
    for (const key of KEYS) {
      const { targets, jointSets } = placement.writeTargetsFor(key);
      expect(jointSets.length).toBeGreaterThan(0);
      const healthy = targets.filter((target) => target.nodeId !== dead);
      for (const group of writeQuorumGroups('quorum', targets, jointSets)) {
        expect(healthy.filter((target) => group.counts(target.nodeId)).length).toBeGreaterThanOrEqual(group.needed);
      }
      standInsInJointSets += standInsWithOwnCopy(targets, jointSets).size;
    }
    // The keys whose writes were refused before stand-ins kept their own copy: a third or more.
    expect(standInsInJointSets).toBeGreaterThan(KEYS.length / 4);
  });

  test('a stand-in that is a replica in the ring being left keeps its own copy and the hint, and every write is acknowledged', async () => {
    const view = new View({ [A]: 'owner', [B]: 'owner', [C]: 'owner', [D]: 'leaving' });
    view.down.add(C);
    const placement = placementOf(view);
    const stores = new Map([A, B, D].map((nodeId) => [nodeId, new MemoryStore()]));
    const ledgers = new Map([A, B, D].map((nodeId) => [nodeId, new HintLedger(new MemoryHintStore({ hintsMax: 1000, hintBytesMax: 1024 * 1024 }), silentLogger)]));
    const directory: ReplicaDirectory = { replica: (nodeId) => (stores.has(nodeId) ? new LocalReplica(nodeId, stores.get(nodeId)!, ledgers.get(nodeId)) : undefined) };
    const coordinator = new Coordinator({ hlc: new HybridLogicalClock(A, systemClock), clock: systemClock, placement, directory, readConsistency: 'quorum', writeConsistency: 'quorum' });
    let doubled = 0;
    for (const key of KEYS) {
      const { targets, jointSets } = placement.writeTargetsFor(key);
      const { result } = await coordinator.put(key, '"v"');
      await Bun.sleep(0);
      for (const nodeId of standInsWithOwnCopy(targets, jointSets)) {
        doubled++;
        expect(stores.get(nodeId)!.get(key)).toEqual(result);
        expect(ledgers.get(nodeId)!.forKey(key)).toEqual([{ target: C, record: result }]);
      }
    }
    expect(doubled).toBeGreaterThan(0);
  });
});

describe('gathering a joint quorum', () => {
  const targets = ['a', 'b', 'c', 'd'].map((nodeId) => ({ nodeId }));
  const oldSet = new Set(['a', 'b', 'c']);
  const newSet = new Set(['b', 'c', 'd']);
  const groups = [
    { counts: (nodeId: string) => oldSet.has(nodeId), needed: 2 },
    { counts: (nodeId: string) => newSet.has(nodeId), needed: 2 },
  ];

  test('is met only once every group has its acknowledgements', async () => {
    const released = new Map<string, () => void>();
    const gathered = gatherJointQuorum(targets, groups, 5000, (nodeId) => new Promise<string>((resolve) => released.set(nodeId, () => resolve(nodeId))));
    let settled = false;
    void gathered.then(() => (settled = true));
    released.get('a')!();
    released.get('d')!();
    await Promise.resolve();
    await Promise.resolve();
    // a and d: one of each set, a quorum of neither.
    expect(settled).toBe(false);
    released.get('b')!();
    const { replies } = await gathered;
    expect(replies.map((reply) => reply.nodeId).sort()).toEqual(['a', 'b', 'd']);
  });

  test('fails as soon as one group can no longer be met, whatever the others have', async () => {
    const failure = await gatherJointQuorum(targets, groups, 5000, (nodeId) => (nodeId === 'c' || nodeId === 'd' ? Promise.reject(new Error('down')) : Promise.resolve(nodeId))).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SwarmError);
    expect((failure as SwarmError).details).toMatchObject({ needed: 2, reached: 1 });
  });
});

/** A replica whose writes can be held back (a slow commit), the way the hand-over window needs. */
class HeldReplica implements Replica {
  readonly nodeId: string;
  readonly local: LocalReplica;
  holding = false;
  readonly #held: (() => void)[] = [];

  constructor(nodeId: string) {
    this.nodeId = nodeId;
    this.local = new LocalReplica(nodeId, new MemoryStore());
  }

  read = (key: string) => this.local.read(key);
  scan: Replica['scan'] = (options) => this.local.scan(options);

  write: Replica['write'] = (record, options) => {
    if (!this.holding) return this.local.write(record, options);
    return new Promise((resolve, reject) => this.#held.push(() => this.local.write(record, options).then(resolve, reject)));
  };

  release(): void {
    this.holding = false;
    for (const write of this.#held.splice(0)) write();
  }
}

describe('the hand-over window, reproduced', () => {
  // Coordinators on two sides of the switch: one still sees D joining, the other already sees it own.
  function cluster() {
    const replicas = new Map([A, B, C, D].map((nodeId) => [nodeId, new HeldReplica(nodeId)]));
    const directory: ReplicaDirectory = { replica: (nodeId) => replicas.get(nodeId) };
    const oldView = new View({ [A]: 'owner', [B]: 'owner', [C]: 'owner', [D]: 'joining' });
    const newView = new View({ [A]: 'owner', [B]: 'owner', [C]: 'owner', [D]: 'joining' });
    const oldPlacement = placementOf(oldView, A);
    const newPlacement = placementOf(newView, B);
    // The new side routed by the old ring a moment ago, and every other member still reports it.
    for (const nodeId of [A, C, D]) newView.digests[nodeId] = newPlacement.current().ring.digest;
    newView.ownership[D] = 'owner';
    newPlacement.refresh();
    // Through placementThrough, as the daemon builds its coordinator (main.ts): a wrapper that did not
    // forward writeTargetsFor once made every real node's writes skip the joint sets.
    const coordinator = (placement: RingPlacement, selfId: string) =>
      new Coordinator({ hlc: new HybridLogicalClock(selfId, systemClock), clock: systemClock, placement: placementThrough(() => placement), directory, readConsistency: 'quorum', writeConsistency: 'quorum' });
    // A key D takes over from one of its old replicas (the displaced one, Z), kept by the two others.
    const key = KEYS.find((candidate) => newPlacement.current().ring.preferenceList(candidate, 3).includes(D))!;
    const oldSet = oldPlacement.current().ring.preferenceList(key, 3);
    const newSet = newPlacement.current().ring.preferenceList(key, 3);
    const [displaced] = oldSet.filter((nodeId) => !newSet.includes(nodeId));
    const [kept1, kept2] = oldSet.filter((nodeId) => newSet.includes(nodeId));
    return { replicas, key, displaced: displaced!, kept1: kept1!, kept2: kept2!, oldCoordinator: coordinator(oldPlacement, A), newCoordinator: coordinator(newPlacement, B) };
  }

  /**
   * An acknowledgement is a few promise turns behind the stores: give it a short, fixed moment (a
   * negative can only be observed over time). Without joint quorums it arrives well within it.
   */
  const ACK_SETTLE_MS = 50;
  const settle = () => new Promise((resolve) => setTimeout(resolve, ACK_SETTLE_MS));
  const WRITE_LANDED_MS_MAX = 1000;

  /**
   * Holds back the writes of the two `held` replicas, writes through `coordinator`, waits until the two
   * others of `landed` hold the write (a quorum of one ring, not of the other), and checks the write is
   * not acknowledged; then lets `held[0]` take it, which completes the missing quorum.
   */
  async function writeWhileHeld(coordinator: Coordinator, replicas: ReadonlyMap<string, HeldReplica>, key: string, held: readonly [string, string], landed: readonly [string, string]) {
    for (const nodeId of held) replicas.get(nodeId)!.holding = true;
    let acknowledged = false;
    const write = coordinator.put(key, '"v1"').then((outcome) => ((acknowledged = true), outcome));
    const deadlineMs = performance.now() + WRITE_LANDED_MS_MAX;
    const landedOn = async (nodeId: string) => (await replicas.get(nodeId)!.local.read(key)) !== undefined;
    while (!((await landedOn(landed[0])) && (await landedOn(landed[1])))) {
      expect(performance.now()).toBeLessThan(deadlineMs);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    for (const nodeId of held) expect(await landedOn(nodeId)).toBe(false);
    await settle();
    expect(acknowledged).toBe(false);
    replicas.get(held[0])!.release();
    const { result } = await write;
    expect((await replicas.get(held[0])!.local.read(key))?.version).toBe(result.version);
    replicas.get(held[1])!.release();
  }

  test('a write through the old ring is not acknowledged until W of the new ring hold it', async () => {
    const { replicas, key, displaced, kept1, kept2, oldCoordinator } = cluster();
    // kept1 and the displaced replica are a quorum of the old set; a new-ring read of D and kept2 would miss it.
    await writeWhileHeld(oldCoordinator, replicas, key, [D, kept2], [kept1, displaced]);
  });

  test('a write through the new ring, in the grace period, is not acknowledged until W of the old ring hold it', async () => {
    const { replicas, key, displaced, kept1, kept2, newCoordinator } = cluster();
    // D and kept2 are a quorum of the new set; an old-ring read of kept1 and the displaced one would miss it.
    await writeWhileHeld(newCoordinator, replicas, key, [displaced, kept1], [D, kept2]);
  });
});
