import { afterEach, expect, test } from 'bun:test';
import { assert, AssertionError, onAssertionFailure } from './assert';

afterEach(() => onAssertionFailure(undefined));

test('a failed assertion reaches the handler before anything can catch it, then is thrown', () => {
  const seen: string[] = [];
  onAssertionFailure((error) => seen.push(`handler: ${error.message}`));
  try {
    assert(1 > 2, 'one is more than two');
  } catch (error) {
    seen.push(`caught: ${(error as Error).message}`);
    expect(error).toBeInstanceOf(AssertionError);
  }
  expect(seen).toEqual(['handler: assertion failed: one is more than two', 'caught: assertion failed: one is more than two']);
});

test('a holding assertion calls nothing, and without a handler a failure is only thrown', () => {
  const seen: AssertionError[] = [];
  onAssertionFailure((error) => seen.push(error));
  assert(true, 'holds');
  expect(seen).toEqual([]);
  onAssertionFailure(undefined);
  expect(() => assert(false, 'fails')).toThrow(AssertionError);
  expect(seen).toEqual([]);
});
