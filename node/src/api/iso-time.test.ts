import { expect, test } from 'bun:test';
import { isoTime } from './iso-time';

test('formats exactly as Date#toISOString does', () => {
  const samples = [0, 1, 999, 1000, 86_399_999, 86_400_000, 1_700_000_000_000, 1_764_547_200_123, 253_402_300_799_999, 253_402_300_800_000, -1, -86_400_001];
  for (let index = 0; index < 2000; index++) samples.push(Math.floor(Math.random() * 4_102_444_800_000));
  for (const ms of samples) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
});

test('consecutive times within and across days', () => {
  const start = 1_764_633_599_000; // one second before a midnight
  for (let ms = start; ms < start + 2000; ms += 7) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
});

test('what Date rejects still throws', () => {
  expect(() => isoTime(8.64e15 + 1)).toThrow(RangeError);
});
