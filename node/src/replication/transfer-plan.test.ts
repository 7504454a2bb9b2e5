// The join plan against brute force: a joiner's transfers cover exactly the positions where it is a
// pending replica but not a current one, each from that position's current replicas.

import { expect, test } from 'bun:test';
import { HashRing } from '../ring';
import { containsPosition, positionHex } from './position-interval';
import { planJoinTransfers } from './transfer-plan';

const OWNERS = ['1111111111111111', '2222222222222222', '3333333333333333'];
const JOINER = '4444444444444444';
const OTHER_JOINER = '5555555555555555';

function samplePositions(count: number): string[] {
  // Spread over the ring by a fixed multiplicative step, so every range is hit.
  return Array.from({ length: count }, (_, index) => positionHex((BigInt(index) * 0x9e3779b97f4a7c15n) % (1n << 64n)));
}

for (const joiners of [[JOINER], [JOINER, OTHER_JOINER]]) {
  test(`with ${joiners.length} joiner(s), the plan covers exactly the joiner's new positions, from their current replicas`, () => {
    const current = new HashRing(OWNERS.map((nodeId) => ({ nodeId })), 16);
    const pending = new HashRing([...OWNERS, ...joiners].map((nodeId) => ({ nodeId })), 16);
    const plan = planJoinTransfers(current, pending, 3, JOINER);
    expect(plan.length).toBeGreaterThan(0);
    for (const position of samplePositions(5000)) {
      const wanted = pending.preferenceListAt(position, 3).includes(JOINER);
      const covering = plan.filter((planned) => containsPosition(planned.interval, position));
      expect(covering.length).toBe(wanted ? 1 : 0);
      if (!wanted) continue;
      const replicas = current.preferenceListAt(position, 3);
      const staying = pending.preferenceListAt(position, 3);
      const displaced = replicas.filter((nodeId) => !staying.includes(nodeId));
      // The displaced replicas first (they hold what the joiner takes over), then the others in preference order.
      expect(covering[0]!.sources).toEqual([...displaced, ...replicas.filter((nodeId) => staying.includes(nodeId))]);
      expect(covering[0]!.displaced).toBe(displaced[0]);
    }
  });
}

test('in its join ring a joiner displaces exactly one current replica of each interval it takes', () => {
  const current = new HashRing(OWNERS.map((nodeId) => ({ nodeId })), 16);
  const joinRing = new HashRing([...OWNERS, JOINER].map((nodeId) => ({ nodeId })), 16);
  const plan = planJoinTransfers(current, joinRing, 3, JOINER);
  for (const planned of plan) {
    const sample = samplePositions(5000).find((position) => containsPosition(planned.interval, position)) ?? planned.interval.end;
    const staying = joinRing.preferenceListAt(sample, 3);
    expect(planned.displaced).toBeDefined();
    expect(staying).not.toContain(planned.displaced);
    expect(planned.sources.filter((nodeId) => !staying.includes(nodeId))).toEqual([planned.displaced!]);
  }
});

test('a ring with fewer than N members displaces nobody: every current replica stays one', () => {
  const current = new HashRing(OWNERS.slice(0, 2).map((nodeId) => ({ nodeId })), 16);
  const joinRing = new HashRing([...OWNERS.slice(0, 2), JOINER].map((nodeId) => ({ nodeId })), 16);
  const plan = planJoinTransfers(current, joinRing, 3, JOINER);
  expect(plan.length).toBeGreaterThan(0);
  for (const planned of plan) expect(planned.displaced).toBeUndefined();
});

test('no plan without owners, for a node not in the pending ring, or for an owner', () => {
  const empty = new HashRing([], 16);
  const pending = new HashRing([...OWNERS, JOINER].map((nodeId) => ({ nodeId })), 16);
  expect(planJoinTransfers(empty, pending, 3, JOINER)).toEqual([]);
  const current = new HashRing(OWNERS.map((nodeId) => ({ nodeId })), 16);
  expect(planJoinTransfers(current, current, 3, JOINER)).toEqual([]);
  expect(planJoinTransfers(current, pending, 3, OWNERS[0]!)).toEqual([]);
});
