import { describe, expect, test } from 'bun:test';
import { parseScript } from './run-script';

describe('script lines', () => {
  test('commands, comments, blank lines and sleeps', () => {
    const script = "# a scenario\nput a 1\n\nsleep 1.5s # wait for it\nget 'a b' --json\nsleep 0s\n";
    expect(parseScript(script)).toEqual([
      { lineNumber: 2, argv: ['put', 'a', '1'] },
      { lineNumber: 4, argv: ['sleep', '1.5s'], sleepMs: 1_500 },
      { lineNumber: 5, argv: ['get', 'a b', '--json'] },
      { lineNumber: 6, argv: ['sleep', '0s'], sleepMs: 0 },
    ]);
  });

  test.each([
    ['sleep', 'line 1: sleep takes one duration'],
    ['sleep 1s 2s', 'line 1: sleep takes one duration'],
    ['sleep 5', 'line 1: sleep must be a duration such as 500ms, 30s, 2m or 1h'],
    ['put a 1\nsleep -1s', 'line 2: sleep must be a duration'],
    ['sleep 2h', 'line 1: sleep must lie between 0s and 1h, got 2h'],
  ])('%j is refused before anything runs', (script, message) => {
    expect(() => parseScript(script)).toThrow(message);
  });

  test('shell operators and nested node/run/check lines are still refused', () => {
    expect(() => parseScript('put a 1 | get a')).toThrow('shell operators are not supported');
    expect(() => parseScript('run other.txt')).toThrow('"run" cannot run inside a script');
    expect(() => parseScript('check --during other.txt')).toThrow('"check" cannot run inside a script');
  });
});
