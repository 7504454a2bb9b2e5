import { describe, expect, test } from 'bun:test';
import { CliFailure } from '../exit-codes';
import { formatDuration, parseBoundedDurationMs, parseDurationMs } from './chaos-duration';

describe('durations', () => {
  test.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['1.5s', 1_500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    [' 0s ', 0],
  ])('%s is %d ms', (text, expectedMs) => {
    expect(parseDurationMs('--duration', text)).toBe(expectedMs);
  });

  test('a sign only where an offset may be negative', () => {
    expect(parseDurationMs('--offset', '-5s', true)).toBe(-5_000);
    expect(() => parseDurationMs('--duration', '-5s')).toThrow(CliFailure);
  });

  test.each(['30', 's', '5 s', '5sec', '1e3ms', '', '--5s'])('%j is refused, naming the flag and the units', (text) => {
    expect(() => parseDurationMs('--duration', text, true)).toThrow(/--duration must be a duration such as 500ms, 30s, 2m or 1h/);
  });

  test('bounds are checked and named', () => {
    expect(parseBoundedDurationMs('--duration', '60s', 1, 60_000)).toBe(60_000);
    expect(() => parseBoundedDurationMs('--duration', '61s', 1, 60_000)).toThrow('--duration must lie between 1ms and 1m, got 61s');
    expect(parseBoundedDurationMs('--offset', '-1m', -86_400_000, 86_400_000)).toBe(-60_000);
  });

  test('formatting picks the largest exact unit and reads back', () => {
    expect([0, 750, 1_000, 90_000, 120_000, 7_200_000, -5_000].map(formatDuration)).toEqual(['0s', '750ms', '1s', '90s', '2m', '2h', '-5s']);
    for (const valueMs of [1, 999, 1_001, 59_000, 61_000, -3_600_000]) expect(parseDurationMs('x', formatDuration(valueMs), true)).toBe(valueMs);
  });
});
