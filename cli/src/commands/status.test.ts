import { describe, expect, test } from 'bun:test';
import type { MemberView } from '../../../node/src';
import { membersLine } from './status';

const member = (state: MemberView['state']) => ({ state }) as MemberView;

describe('status: the members line', () => {
  test('counts the alive among the current members, and the departed apart', () => {
    expect(membersLine(['alive', 'alive', 'alive'].map((state) => member(state as MemberView['state'])))).toBe('3 of 3 alive');
    expect(membersLine([member('alive'), member('suspect'), member('dead')])).toBe('1 of 3 alive');
    expect(membersLine([member('alive'), member('alive'), member('left'), member('removed'), member('left')])).toBe('2 of 2 alive; gone: 2 left, 1 removed');
  });
});
