import { describe, expect, test } from 'bun:test';
import { ago, duration, offset } from './format';

describe('dashboard: spans of time, written as the CLI writes them', () => {
  test('below a minute, a tenth of a second', () => {
    expect([0, 999.4, 1500, 59_940].map(ago)).toEqual(['0 ms', '999 ms', '1.5 s', '59.9 s']);
  });

  test('minutes and seconds, hours and minutes, rounded before they are split', () => {
    expect([90_000, 119_600, 3_599_600, 3_600_000, 5_400_000, 7_199_000].map(duration)).toEqual([
      '1 min 30 s', '2 min 0 s', '1 h 0 min', '1 h 0 min', '1 h 30 min', '2 h 0 min',
    ]);
  });

  test('an offset is signed, and a dash when not measured', () => {
    expect([90_000, -90_000, -12].map(offset)).toEqual(['+1 min 30 s', '-1 min 30 s', '-12 ms']);
    expect(offset(null)).toBe('–');
  });
});
