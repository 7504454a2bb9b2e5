import { describe, expect, test } from 'bun:test';
import type { ArgsDef } from 'citty';
import { unknownOptions } from './unknown-options';

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
