import { describe, expect, test } from 'bun:test';
import { parseSides, resolveNamed, resolveSides, type ChaosTarget } from './chaos-members';

const targets: ChaosTarget[] = ['n1', 'n2', 'n3', 'n4'].map((name, index) => ({ name, nodeId: `${index}`.repeat(16), url: `http://127.0.0.1:707${index}`, state: 'alive' as const }));
const namesOf = (side: readonly ChaosTarget[]) => side.map((target) => target.name);

describe('partition sides', () => {
  test.each([
    [['n1,n2', '/', 'n3'], ['n1', 'n2'], ['n3']],
    [['n1,n2/n3'], ['n1', 'n2'], ['n3']],
    [['n1', 'n2', '/', 'n3,'], ['n1', 'n2'], ['n3']],
    [['n1,n2', '/n3'], ['n1', 'n2'], ['n3']],
  ])('%j', (words, left, right) => {
    expect(parseSides(words)).toEqual({ left, right });
  });

  test('one side: the other is every other member', () => {
    expect(parseSides(['n3'])).toEqual({ left: ['n3'], right: undefined });
    const [left, right] = resolveSides(targets, ['n3']);
    expect([namesOf(left), namesOf(right)]).toEqual([['n3'], ['n1', 'n2', 'n4']]);
  });

  test.each([
    [['n1', '/', 'n2', '/', 'n3'], 'a partition has two sides'],
    [['/', 'n3'], 'name the members of each side'],
    [['n1', '/'], 'name the members of each side'],
    [['n1,n2', '/', 'n2'], 'on both sides: n2'],
  ])('%j is a usage error', (words, message) => {
    expect(() => parseSides(words)).toThrow(message);
  });

  test('members by name or node id; unknown ones named together with the members', () => {
    expect(namesOf(resolveNamed(targets, ['n2', '0000000000000000', 'n2']))).toEqual(['n2', 'n1']);
    expect(() => resolveNamed(targets, ['n9', 'n1', 'x'])).toThrow('not a member: n9, x (members: n1, n2, n3, n4)');
  });

  test('a member named by name on one side and by id on the other is refused', () => {
    expect(() => resolveSides(targets, ['n1', '/', '0000000000000000'])).toThrow('on both sides: n1');
  });

  test('every member on one side leaves nothing to cut off', () => {
    expect(() => resolveSides(targets, ['n1,n2,n3,n4'])).toThrow('the other side is empty');
  });
});
