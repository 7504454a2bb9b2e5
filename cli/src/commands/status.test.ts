import { describe, expect, test } from 'bun:test';
import type { MemberView } from '../../../node/src';
import { formatClockOffset, membersLine } from './status';

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
    expect([0, 12, -499.6, 1500, -59_999, 90_000, 3_600_000, -5_400_000].map(formatClockOffset)).toEqual(['+0 ms', '+12 ms', '-500 ms', '+1.5 s', '-60.0 s', '+1.5 min', '+1.0 h', '-1.5 h']);
    expect(formatClockOffset(null)).toBe('?');
  });
});
