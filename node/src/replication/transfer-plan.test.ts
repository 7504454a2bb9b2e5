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
      if (wanted) expect(covering[0]!.sources).toEqual(current.preferenceListAt(position, 3));
    }
  });
}

test('no plan without owners, for a node not in the pending ring, or for an owner', () => {
  const empty = new HashRing([], 16);
  const pending = new HashRing([...OWNERS, JOINER].map((nodeId) => ({ nodeId })), 16);
  expect(planJoinTransfers(empty, pending, 3, JOINER)).toEqual([]);
  const current = new HashRing(OWNERS.map((nodeId) => ({ nodeId })), 16);
  expect(planJoinTransfers(current, current, 3, JOINER)).toEqual([]);
  expect(planJoinTransfers(current, pending, 3, OWNERS[0]!)).toEqual([]);
});
