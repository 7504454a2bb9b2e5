import { describe, expect, test } from 'bun:test';
import { SwarmError } from '../errors';
import { JSON_DEPTH_MAX } from '../limits';
import { checkJsonExactness } from './json-exactness';

function refusal(text: string): string | undefined {
  try {
    checkJsonExactness(text);
    return undefined;
  } catch (error) {
    if (error instanceof SwarmError) return error.code;
    throw error;
  }
}

describe('checkJsonExactness', () => {
  test('numbers a double holds exactly pass, short integers and long ones alike', () => {
    const exact = ['0', '-0', '7', '-7', '123456789012345', '-123456789012345', '1234567890123456', '9007199254740991', '-9007199254740991', '1.5', '1.50', '1e3', '1E+3', '2.5e-3', '0.1', '100000000000000000000'];
    for (const number of exact) expect([number, refusal(`{"value":${number}}`)]).toEqual([number, undefined]);
  });

  test('numbers a double would change are refused, however they are written', () => {
    const inexact = ['9007199254740993', '-9007199254740993', '12345678901234567890', '1e400', '-1e400', '0.1000000000000000055511151231257827', '1.00000000000000001'];
    for (const number of inexact) expect([number, refusal(`{"value":[1,${number}]}`)]).toEqual([number, 'invalid_json']);
  });

  test('digits inside strings are not numbers', () => {
    expect(refusal('{"value":"12345678901234567890","n\\"9007199254740993":1}')).toBeUndefined();
  });

  test('nesting up to the bound passes, one level more is refused', () => {
    const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
    expect(refusal(nested(JSON_DEPTH_MAX))).toBeUndefined();
    expect(refusal(nested(JSON_DEPTH_MAX + 1))).toBe('invalid_body');
  });
});
