import { describe, expect, test } from 'bun:test';
import type { MemberView } from '../../../node/src';
import { clockRefusalLine, formatClockOffset, membersLine, reasonLines } from './status';

const member = (state: MemberView['state']) => ({ state }) as MemberView;

describe('status: the members line', () => {
  test('counts the alive among the current members, and the departed apart', () => {
    expect(membersLine(['alive', 'alive', 'alive'].map((state) => member(state as MemberView['state'])))).toBe('3 of 3 alive');
    expect(membersLine([member('alive'), member('suspect'), member('dead')])).toBe('1 of 3 alive');
    expect(membersLine([member('alive'), member('alive'), member('left'), member('removed'), member('left')])).toBe('2 of 2 alive; gone: 2 left, 1 removed');
  });
});

describe('status: the clock column', () => {
  test('a signed offset in the unit that reads best, "?" when not measured', () => {
    expect([0, 12, -499.6, 1500, -59_999, 90_000, 119_600, 3_600_000, -5_400_000, 7_199_000].map(formatClockOffset)).toEqual([
      '+0 ms', '+12 ms', '-500 ms', '+1.5 s', '-60.0 s', '+1 min 30 s', '+2 min 0 s', '+1 h 0 min', '-1 h 30 min', '+2 h 0 min',
    ]);
    expect(formatClockOffset(null)).toBe('?');
  });
});

describe('status: a node refusing writes for its clock', () => {
  test('says so under the table, naming the answering node, its offset and its bound; nothing while it writes', () => {
    const members = [{ name: 'node-7072', self: true } as MemberView, { name: 'node-7070', self: false } as MemberView];
    expect(clockRefusalLine(members, { offsetMs: 3_600_000, maxOffsetMs: 500, synchronized: false })).toBe(
      "node-7072 refuses writes: its clock is +1 h 0 min off its cluster's, beyond its --max-clock-offset-ms of 500 ms (write through another node)",
    );
    expect(clockRefusalLine(members, { offsetMs: 3, maxOffsetMs: 500, synchronized: true })).toBeUndefined();
    expect(clockRefusalLine(members, null)).toBeUndefined();
  });
});

describe('status: why a member is in its state', () => {
  test('one line per member the answering node can explain, with how long it has been so', () => {
    const members = [
      { name: 'node-7070', state: 'alive', stateAgeMs: 60_000, why: null },
      { name: 'node-7071', state: 'suspect', stateAgeMs: 800, why: "no ack to this node's ping, nor through node-7072" },
      { name: 'node-7072', state: 'dead', stateAgeMs: 14_200, why: 'suspect for 1.5 s with no refutation (the suspicion timeout; 1 accuser)' },
    ] as MemberView[];
    expect(reasonLines(members)).toEqual([
      "node-7071 is suspect for 800 ms: no ack to this node's ping, nor through node-7072",
      'node-7072 is dead for 14.2 s: suspect for 1.5 s with no refutation (the suspicion timeout; 1 accuser)',
    ]);
    expect(reasonLines([members[0]!])).toEqual([]);
  });
});
