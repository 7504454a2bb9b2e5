// Ring placement from a membership view: sloppy quorum targets, and the members a restarted node
// remembers from its previous life, which keep N (and so the quorum) from shrinking to 1.
import { expect, test } from 'bun:test';
import { RingPlacement, type PlacementMembership } from './ring-placement';

const SELF = 'aaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbb';
const C = 'cccccccccccccccc';

function membershipOf(states: Record<string, 'alive' | 'dead' | 'left'>): PlacementMembership {
  return {
    ringMemberIds: () => Object.entries(states).filter(([, state]) => state !== 'left').map(([id]) => id).sort(),
    isHealthy: (id) => states[id] === 'alive',
    knows: (id) => id in states,
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
