import { describe, expect, test } from 'bun:test';
import type { ArgsDef } from 'citty';
import { surplusArguments, unknownOptions } from './unknown-options';

const args: ArgsDef = {
  key: { type: 'positional', required: true },
  'base-port': { type: 'string' },
  nodes: { type: 'string', alias: 'n' },
  memory: { type: 'boolean' },
  logLevel: { type: 'string' },
};

describe('unknownOptions', () => {
  test('defined options pass in every spelling citty accepts', () => {
    expect(unknownOptions(['up', '--base-port', '8080', '--basePort=8081', '-n', '5', '--nodes=3', '--memory', '--no-memory', '--log-level', 'warn', '--logLevel', 'info'], args)).toEqual([]);
  });

  test('an option the command does not define is named as typed', () => {
    expect(unknownOptions(['up', '--scheduling', 'normal', '--base-port=1', '-x', '--sheduling=batch'], args)).toEqual(['--scheduling', '-x', '--sheduling']);
  });

  test('--no- only negates a boolean, and a positional name is no option', () => {
    expect(unknownOptions(['--no-nodes', '--no-memory', '--key', 'k'], args)).toEqual(['--no-nodes', '--key']);
  });

  test('negative numbers and everything after -- are values', () => {
    expect(unknownOptions(['put', 'k', '-250', '--', '--anything', '-x'], args)).toEqual([]);
  });
});

describe('surplusArguments', () => {
  test('the command path, its positionals and every option value are not surplus', () => {
    expect(surplusArguments(['put', 'k', '--base-port', '8080', '-n', '5', '--memory', '--nodes=3', '--log-level', 'warn'], 1, args)).toEqual([]);
    expect(surplusArguments(['chaos', 'pause', '--base-port', '8080', 'k'], 2, args)).toEqual([]);
  });

  test('words beyond them are, in order, a negative number and what follows -- included', () => {
    expect(surplusArguments(['leave', 'k', 'node-7073', '--memory', 'extra'], 1, args)).toEqual(['node-7073', 'extra']);
    expect(surplusArguments(['put', 'k', '-250'], 1, args)).toEqual(['-250']);
    expect(surplusArguments(['put', 'k', '--', '--memory'], 1, args)).toEqual(['--memory']);
  });

  test('a boolean takes no value: the word after it is an argument', () => {
    expect(surplusArguments(['put', '--memory', 'k', 'v'], 1, args)).toEqual(['v']);
  });
});
