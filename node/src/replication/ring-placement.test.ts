// Ring placement from a membership view: sloppy quorum targets, and the members a restarted node
// remembers from its previous life, which keep N (and so the quorum) from shrinking to 1.
import { expect, test } from 'bun:test';
import { SwarmError } from '../errors';
import { RING_DIGEST_METADATA, RING_OWNERSHIP_METADATA, ringDigest, type RingOwnership } from '../ring';
import { currentTargets } from './placement';
import { RingPlacement, type PlacementMembership } from './ring-placement';

const SELF = 'aaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbb';
const C = 'cccccccccccccccc';
const D = 'dddddddddddddddd';
const E = 'eeeeeeeeeeeeeeee';
const KEYS = Array.from({ length: 200 }, (_, index) => `key-${index}`);

function membershipOf(states: Record<string, 'alive' | 'dead' | 'left'>, ownership: Record<string, RingOwnership> = {}): PlacementMembership {
  return {
    ringMemberIds: () => Object.entries(states).filter(([, state]) => state !== 'left').map(([id]) => id).sort(),
    isHealthy: (id) => states[id] === 'alive',
    isDown: (id) => states[id] === 'dead' || states[id] === 'left',
    knows: (id) => id in states,
    metadataOf: (id) => (id in states ? { [RING_OWNERSHIP_METADATA]: ownership[id] ?? 'owner' } : undefined),
  };
}

test('a node that knows only itself but remembers two members keeps N = 3: the unreachable replicas stay targets', () => {
  let nowMs = 1000;
  const states: Record<string, 'alive' | 'dead' | 'left'> = { [SELF]: 'alive' };
  const placement = new RingPlacement({ selfId: SELF, membership: membershipOf(states), replicationFactor: 3, tokensPerNode: 8, remembered: { nodeIds: [B, C, SELF], untilMs: 5000, nowMs: () => nowMs } });
  expect(placement.effectiveReplicas()).toBe(3);
  expect(placement.targetsFor('k').map((target) => target.nodeId).sort()).toEqual([SELF, B, C].sort());
  expect(placement.isRemembered(B)).toBe(true);
  // Once membership has news of B (here: it left), B is no longer remembered: membership decides.
  states[B] = 'left';
  placement.refresh();
  expect(placement.isRemembered(B)).toBe(false);
  expect(placement.effectiveReplicas()).toBe(2);
  // Past the retention, the rest is forgotten too.
  nowMs = 6000;
  placement.refresh();
  expect(placement.isRemembered(C)).toBe(false);
  expect(placement.effectiveReplicas()).toBe(1);
});

test('a dead intended replica is covered by a healthy stand-in; with none left it stays a target and fails there', () => {
  const states: Record<string, 'alive' | 'dead' | 'left'> = { [SELF]: 'alive', [B]: 'alive', [C]: 'dead' };
  const placement = new RingPlacement({ selfId: SELF, membership: membershipOf(states), replicationFactor: 2, tokensPerNode: 8 });
  for (const key of ['a', 'b', 'c', 'd', 'e', 'f']) {
    const targets = placement.targetsFor(key);
    expect(targets).toHaveLength(2);
    expect(targets.some((target) => target.nodeId === C)).toBe(false);
    const standIn = targets.find((target) => target.standInFor !== undefined);
    if (placement.intendedReplicas(key).includes(C)) expect(standIn?.standInFor).toBe(C);
  }
  states[B] = 'dead';
  for (const key of ['a', 'b', 'c']) expect(placement.targetsFor(key)).toHaveLength(2);
});

test('a joining member is a pending target of its keys: it takes their writes but is no current replica', () => {
  const states: Record<string, 'alive' | 'dead' | 'left'> = { [SELF]: 'alive', [B]: 'alive', [C]: 'alive', [D]: 'alive' };
  const ownership: Record<string, RingOwnership> = { [D]: 'joining' };
  const placement = new RingPlacement({ selfId: SELF, membership: membershipOf(states, ownership), replicationFactor: 2, tokensPerNode: 8 });
  expect(placement.current().ring.members.map((member) => member.nodeId)).toEqual([SELF, B, C]);
  expect(placement.pending().ring.members.map((member) => member.nodeId)).toEqual([SELF, B, C, D]);
  let pendingSeen = 0;
  for (const key of KEYS) {
    const targets = placement.targetsFor(key);
    expect(currentTargets(targets).map((target) => target.nodeId)).toEqual(placement.intendedReplicas(key));
    const pending = targets.filter((target) => target.pending === true);
    expect(pending.every((target) => target.nodeId === D)).toBe(true);
    expect(pending.length === 1).toBe(placement.pending().ring.preferenceList(key, 2).includes(D));
    pendingSeen += pending.length;
  }
  expect(pendingSeen).toBeGreaterThan(0);
  // Once it reports `owner`, it is in the current ring, and no target is pending any more.
  ownership[D] = 'owner';
  placement.refresh();
  expect(placement.current().ring.size).toBe(4);
  expect(KEYS.flatMap((key) => placement.targetsFor(key)).some((target) => target.pending === true)).toBe(false);
});

test('a leaving member stays a current replica; the pending ring is the ring without it', () => {
  const states: Record<string, 'alive' | 'dead' | 'left'> = { [SELF]: 'alive', [B]: 'alive', [C]: 'alive', [D]: 'alive', [E]: 'alive' };
  const placement = new RingPlacement({ selfId: SELF, membership: membershipOf(states, { [E]: 'leaving' }), replicationFactor: 3, tokensPerNode: 8 });
  expect(placement.current().ring.size).toBe(5);
  expect(placement.pending().ring.has(E)).toBe(false);
  for (const key of KEYS) {
    const targets = placement.targetsFor(key);
    expect(currentTargets(targets)).toHaveLength(3);
    expect(targets.filter((target) => target.pending === true).every((target) => target.nodeId !== E)).toBe(true);
  }
});

test('a joiner that knows no owner yet has an empty current ring and answers joining; a member it does not know the state of counts as joining', () => {
  const states: Record<string, 'alive' | 'dead' | 'left'> = { [SELF]: 'alive', [B]: 'alive' };
  const membership = { ...membershipOf(states), metadataOf: () => ({}) };
  const placement = new RingPlacement({ selfId: SELF, membership, replicationFactor: 3, tokensPerNode: 8, selfOwnership: () => 'joining' });
  expect(placement.effectiveReplicas()).toBe(0);
  expect(placement.currentRanges()).toEqual([]);
  expect(placement.intendedReplicas('k')).toEqual([]);
  expect(() => placement.targetsFor('k')).toThrow(SwarmError);
  expect(placement.ownershipOf(B)).toBe('joining');
});

test('a member remembered from the previous life is an owner until it reports otherwise', () => {
  const states: Record<string, 'alive' | 'dead' | 'left'> = { [SELF]: 'alive', [B]: 'alive' };
  const reported: Record<string, Record<string, string>> = { [B]: {} };
  const membership = { ...membershipOf(states), metadataOf: (id: string) => reported[id] };
  const placement = new RingPlacement({ selfId: SELF, membership, replicationFactor: 3, tokensPerNode: 8, remembered: { nodeIds: [B], untilMs: 5000, nowMs: () => 0 } });
  expect(placement.ownershipOf(B)).toBe('owner');
  expect(placement.current().ring.has(B)).toBe(true);
  reported[B] = { [RING_OWNERSHIP_METADATA]: 'leaving' };
  placement.refresh();
  expect(placement.pending().ring.has(B)).toBe(false);
});

test('a joiner that learned a member dead from a peer counts it an owner when the owners report the ring with it, and joining otherwise', () => {
  const states: Record<string, 'alive' | 'dead' | 'left'> = { [SELF]: 'alive', [B]: 'alive', [C]: 'alive', [D]: 'dead' };
  const owners = [B, C, D].map((nodeId) => ({ nodeId, tokens: 8 }));
  const reported: Record<string, Record<string, string>> = {
    [B]: { [RING_OWNERSHIP_METADATA]: 'owner', [RING_DIGEST_METADATA]: ringDigest(owners) },
    [C]: { [RING_OWNERSHIP_METADATA]: 'owner', [RING_DIGEST_METADATA]: ringDigest(owners) },
    // D died before this node joined: it never heard D report anything.
  };
  const membership = { ...membershipOf(states), metadataOf: (id: string) => reported[id] };
  const placement = new RingPlacement({ selfId: SELF, membership, replicationFactor: 3, tokensPerNode: 8, selfOwnership: () => 'joining' });
  expect(placement.current().ring.digest).toBe(ringDigest(owners));
  expect(placement.pending().ring.has(D)).toBe(true);
  expect(placement.ownershipOf(D)).toBe('owner');
  // The owners' reports move on (to a ring with this node, once it owns): D stays an owner here.
  const withSelf = ringDigest([SELF, B, C, D].map((nodeId) => ({ nodeId, tokens: 8 })));
  reported[B] = { [RING_OWNERSHIP_METADATA]: 'owner', [RING_DIGEST_METADATA]: withSelf };
  reported[C] = { [RING_OWNERSHIP_METADATA]: 'owner', [RING_DIGEST_METADATA]: withSelf };
  placement.refresh();
  expect(placement.ownershipOf(D)).toBe('owner');

  // Another joiner, where the owners route by a ring without D (it died while joining): D stays joining.
  const withoutD = ringDigest([B, C].map((nodeId) => ({ nodeId, tokens: 8 })));
  reported[B] = { [RING_OWNERSHIP_METADATA]: 'owner', [RING_DIGEST_METADATA]: withoutD };
  reported[C] = { [RING_OWNERSHIP_METADATA]: 'owner', [RING_DIGEST_METADATA]: withoutD };
  const other = new RingPlacement({ selfId: SELF, membership, replicationFactor: 3, tokensPerNode: 8, selfOwnership: () => 'joining' });
  expect(other.current().ring.digest).toBe(withoutD);
  expect(other.ownershipOf(D)).toBe('joining');
});

test('with two joiners, each is a pending target of every key it replicates in its join ring (the current ring with it added)', () => {
  const states: Record<string, 'alive' | 'dead' | 'left'> = { [SELF]: 'alive', [B]: 'alive', [C]: 'alive', [D]: 'alive', [E]: 'alive' };
  const placement = new RingPlacement({ selfId: SELF, membership: membershipOf(states, { [D]: 'joining', [E]: 'joining' }), replicationFactor: 3, tokensPerNode: 8 });
  for (const joiner of [D, E]) {
    const joinRing = placement.joinRing(joiner)!;
    expect(joinRing.members.map((member) => member.nodeId)).toEqual([SELF, B, C, joiner].sort());
    for (const key of KEYS) {
      const pending = placement.targetsFor(key).filter((target) => target.pending === true).map((target) => target.nodeId);
      expect(pending.includes(joiner)).toBe(joinRing.preferenceList(key, 3).includes(joiner) || placement.pending().ring.preferenceList(key, 3).includes(joiner));
    }
  }
});
