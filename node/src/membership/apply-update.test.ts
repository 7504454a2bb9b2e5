import { describe, expect, test } from 'bun:test';
import type { MemberState, MemberUpdate } from './member';
import { membershipProfiles } from './membership-config';
import { INCARNATION_AHEAD_MS_MAX } from './membership-limits';
import { initialMembershipState, type MembershipState } from './membership-state';
import { membershipStep } from './membership-step';

const NOW_MS = 1_700_000_000_000;
const SELF = '000000000000000a';
const PEER = '000000000000000b';
const OTHER = '000000000000000c';
const GOSSIPER = '000000000000000d';
const THIRD = '000000000000000e';
/** When the members were learned: long enough before NOW_MS that death news about them is believed. */
const LEARNED_MS = NOW_MS - membershipProfiles.lan.suspicionTimeoutMinMs;

function update(nodeId: string, state: MemberState, incarnation: number, from = nodeId === PEER && state !== 'alive' ? OTHER : nodeId): MemberUpdate {
  return { nodeId, name: `n-${nodeId.slice(-1)}`, httpAddress: `127.0.0.1:70${nodeId.slice(-1) === 'a' ? '10' : '11'}`, state, incarnation, from };
}

/** Feeds updates to a state as a table push from GOSSIPER. */
function receive(state: MembershipState, updates: MemberUpdate[], nowMs = NOW_MS) {
  return membershipStep(state, { type: 'message', from: GOSSIPER, message: { type: 'membershipPush', updates, pullWanted: false } }, nowMs);
}

/** A node that knows itself at `selfIncarnation`, GOSSIPER, OTHER and THIRD alive, and PEER as given, all silent since LEARNED_MS. */
function stateWith(peer?: [MemberState, number], selfIncarnation = 100): MembershipState {
  let state = initialMembershipState({
    self: { nodeId: SELF, name: 'n-a', httpAddress: '127.0.0.1:7010' },
    config: membershipProfiles.lan,
    incarnation: selfIncarnation,
    seed: 1,
    nowMs: LEARNED_MS,
  });
  const known = [update(GOSSIPER, 'alive', 1), update(OTHER, 'alive', 1), update(THIRD, 'alive', 1)];
  if (peer) known.push(update(PEER, 'alive', peer[0] === 'alive' ? peer[1] : Math.max(0, peer[1] - 1)));
  state = receive(state, known, LEARNED_MS).state;
  if (peer && peer[0] !== 'alive') state = receive(state, [{ ...update(PEER, peer[0], peer[1]), from: GOSSIPER }]).state;
  expect(state.members.get(PEER)?.state).toBe(peer?.[0]);
  return { ...state, broadcasts: new Map() };
}

type Row = [string, [MemberState, number] | undefined, MemberUpdate, [MemberState, number] | undefined];

describe('member update precedence (SWIM 4.2, memberlist)', () => {
  const rows: Row[] = [
    ['alive about a stranger adds it', undefined, update(PEER, 'alive', 5), ['alive', 5]],
    ['suspect about a stranger is ignored', undefined, update(PEER, 'suspect', 5), undefined],
    ['dead about a stranger adds it as dead (it died before this node joined; the ring still holds it)', undefined, update(PEER, 'dead', 5), ['dead', 5]],
    ['left about a stranger is ignored', undefined, update(PEER, 'left', 5), undefined],
    ['alive at a higher incarnation wins', ['alive', 5], update(PEER, 'alive', 6), ['alive', 6]],
    ['alive at the same incarnation is old news', ['alive', 5], update(PEER, 'alive', 5), ['alive', 5]],
    ['suspect at the same incarnation beats alive', ['alive', 5], update(PEER, 'suspect', 5), ['suspect', 5]],
    ['suspect at a higher incarnation beats alive', ['alive', 5], update(PEER, 'suspect', 7), ['suspect', 7]],
    ['suspect at a lower incarnation loses', ['alive', 5], update(PEER, 'suspect', 4), ['alive', 5]],
    ['alive at a higher incarnation refutes suspect', ['suspect', 5], update(PEER, 'alive', 6), ['alive', 6]],
    ['alive at the same incarnation does not refute suspect', ['suspect', 5], update(PEER, 'alive', 5), ['suspect', 5]],
    ['dead at the same incarnation beats suspect', ['suspect', 5], update(PEER, 'dead', 5), ['dead', 5]],
    ['dead at the same incarnation beats alive', ['alive', 5], update(PEER, 'dead', 5), ['dead', 5]],
    ['dead at a lower incarnation loses', ['alive', 5], update(PEER, 'dead', 4), ['alive', 5]],
    ['dead is sticky against suspect', ['dead', 5], update(PEER, 'suspect', 6), ['dead', 5]],
    ['dead is sticky against alive at the same incarnation', ['dead', 5], update(PEER, 'alive', 5), ['dead', 5]],
    ['a restart (alive above) brings a dead member back', ['dead', 5], update(PEER, 'alive', 6), ['alive', 6]],
    ['left beats dead at the same incarnation', ['dead', 5], update(PEER, 'left', 5), ['left', 5]],
    ['left beats alive', ['alive', 5], update(PEER, 'left', 5), ['left', 5]],
    ['left is sticky against dead', ['left', 5], update(PEER, 'dead', 9), ['left', 5]],
    ['left is sticky against alive at the same incarnation', ['left', 5], update(PEER, 'alive', 5), ['left', 5]],
    ['a restart brings a departed member back', ['left', 5], update(PEER, 'alive', 6), ['alive', 6]],
    ['an incarnation implausibly far ahead is ignored', ['alive', 5], update(PEER, 'alive', NOW_MS + INCARNATION_AHEAD_MS_MAX + 1), ['alive', 5]],
  ];

  test.each(rows)('%s', (_, current, incoming, expected) => {
    const { state, effects } = receive(stateWith(current), [incoming]);
    const member = state.members.get(PEER);
    expect(member && [member.state, member.incarnation]).toEqual(expected);
    const changed = JSON.stringify(current) !== JSON.stringify(expected);
    expect(effects.filter((effect) => effect.type === 'memberChanged')).toHaveLength(changed ? 1 : 0);
    // What changed our mind is passed on; so is our newer view when the news was stale bad news.
    const stale = current?.[0] === 'alive' && incoming.state !== 'alive' && incoming.incarnation < current[1];
    expect(state.broadcasts.has(PEER)).toBe(changed || stale);
  });

  test('dead news about a stranger this node is connected to is not believed: the stranger is about to introduce itself', () => {
    const connected = membershipStep(stateWith(), { type: 'peerConnected', nodeId: PEER }, NOW_MS).state;
    expect(receive(connected, [update(PEER, 'dead', 5)]).state.members.get(PEER)).toBeUndefined();
  });

  test('a suspicion repeated by a new accuser is a confirmation, by the same accuser a duplicate', () => {
    const suspected = stateWith(['suspect', 5]);
    expect(suspected.suspicions.get(PEER)?.accusers).toEqual([GOSSIPER]);
    const confirmed = receive(suspected, [{ ...update(PEER, 'suspect', 5), from: THIRD }]).state;
    expect(confirmed.suspicions.get(PEER)?.accusers).toEqual([GOSSIPER, THIRD]);
    expect(confirmed.broadcasts.get(PEER)?.update.from).toBe(THIRD);
    const again = receive(confirmed, [{ ...update(PEER, 'suspect', 5), from: THIRD }]).state;
    expect(again.suspicions.get(PEER)?.accusers).toEqual([GOSSIPER, THIRD]);
  });

  test('a suspicion heard from another makes this node probe the suspect next', () => {
    const suspected = stateWith(['suspect', 5]);
    expect(suspected.urgentProbes).toEqual([PEER]);
  });

  test('death news about a member heard from since any suspicion could have begun is a suspicion: we probe it next', () => {
    const heardMs = NOW_MS - membershipProfiles.lan.suspicionTimeoutMinMs + 1;
    const heard = membershipStep(stateWith(['alive', 5]), { type: 'message', from: PEER, message: { type: 'membershipGossip', updates: [] } }, heardMs).state;
    const { state, effects } = receive(heard, [update(PEER, 'dead', 5)]);
    expect(state.members.get(PEER)).toMatchObject({ state: 'suspect', incarnation: 5 });
    expect(state.suspicions.get(PEER)).toMatchObject({ incarnation: 5, accusers: [OTHER] });
    expect(state.broadcasts.get(PEER)?.update).toMatchObject({ state: 'suspect', incarnation: 5, from: OTHER });
    expect(effects.filter((effect) => effect.type === 'memberChanged')).toHaveLength(1);
    // One millisecond more of silence and the same news is a death.
    const silent = receive(heard, [update(PEER, 'dead', 5)], heardMs + membershipProfiles.lan.suspicionTimeoutMinMs).state;
    expect(silent.members.get(PEER)).toMatchObject({ state: 'dead', incarnation: 5 });
  });

  test('stale bad news about a member known alive at a higher incarnation is answered by regossiping it', () => {
    const after = receive(stateWith(['alive', 7]), [{ ...update(PEER, 'suspect', 6), from: OTHER }]).state;
    expect(after.members.get(PEER)?.state).toBe('alive');
    expect(after.broadcasts.get(PEER)?.update).toMatchObject({ state: 'alive', incarnation: 7 });
  });
});

describe('updates about this node', () => {
  const rows: [string, MemberUpdate, number][] = [
    ['its own alive echoed back changes nothing', update(SELF, 'alive', 100), 100],
    ['a suspicion at its incarnation is refuted with a higher one', update(SELF, 'suspect', 100, OTHER), NOW_MS],
    ['a dead verdict at its incarnation is refuted', update(SELF, 'dead', 100, OTHER), NOW_MS],
    ['a left from an earlier life is refuted', update(SELF, 'left', 100), NOW_MS],
    ['an alive above its own (an earlier life) is outranked', update(SELF, 'alive', 500), NOW_MS],
    ['a suspicion at an older incarnation is stale', update(SELF, 'suspect', 99, OTHER), 100],
  ];

  test.each(rows)('%s', (_, incoming, expectedIncarnation) => {
    const { state } = receive(stateWith(), [incoming]);
    const self = state.members.get(SELF)!;
    expect(self.state).toBe('alive');
    expect(self.incarnation).toBe(expectedIncarnation);
    if (expectedIncarnation !== 100) expect(state.broadcasts.get(SELF)?.update).toMatchObject({ state: 'alive', incarnation: expectedIncarnation });
  });

  test('a refutation goes above what was heard even when that is ahead of the clock', () => {
    const { state } = receive(stateWith(undefined, NOW_MS + 10), [update(SELF, 'suspect', NOW_MS + 10, OTHER)]);
    expect(state.members.get(SELF)!.incarnation).toBe(NOW_MS + 11);
  });

  test('a leaving node does not argue with a dead verdict', () => {
    const leaving = membershipStep(stateWith(), { type: 'leave' }, NOW_MS).state;
    const { state } = receive(leaving, [update(SELF, 'dead', 100, OTHER)]);
    expect(state.members.get(SELF)).toMatchObject({ state: 'left', incarnation: 100 });
  });
});

describe('removals remembered from an earlier life', () => {
  const seeded = () =>
    initialMembershipState({
      self: { nodeId: SELF, name: 'n-a', httpAddress: '127.0.0.1:7010' },
      config: membershipProfiles.lan,
      incarnation: 100,
      seed: 1,
      nowMs: NOW_MS,
      removed: [{ nodeId: PEER, name: 'n-b', httpAddress: '127.0.0.1:7011', incarnation: 7 }, { nodeId: SELF, name: 'n-a', httpAddress: '127.0.0.1:7010', incarnation: 1 }],
    });

  test('start as removed, and a removed node announcing itself alive at any incarnation stays out', () => {
    const state = seeded();
    expect(state.members.get(PEER)?.state).toBe('removed');
    const after = receive(state, [update(PEER, 'alive', NOW_MS)]).state;
    expect(after.members.get(PEER)?.state).toBe('removed');
  });

  test('never make this node itself removed (its own removal is refused at start instead)', () => {
    expect(seeded().members.get(SELF)?.state).toBe('alive');
  });
});
