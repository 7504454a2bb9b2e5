import { expect, test } from 'bun:test';
import { membershipProfiles } from './membership-config';
import { expectedConfirmations, suspicionTimeoutMs } from './suspicion-timeout';

const CONFIG = { ...membershipProfiles.lan, suspicionTimeoutMinMs: 2000, suspicionTimeoutMaxMs: 6000, suspicionConfirmationsExpected: 3 };

// The same maths as memberlist's suspicion.go: max - (max - min) * log(c + 1) / log(k + 1), floored to ms.
test.each([
  [0, 3, 6000],
  [1, 3, 4000],
  [2, 3, 2830],
  [3, 3, 2000],
  [9, 3, 2000],
  [0, 0, 2000],
  [5, 0, 2000],
  [0, 1, 6000],
  [1, 1, 2000],
])('%i confirmations of %i expected: %i ms', (confirmations, expected, timeoutMs) => {
  expect(suspicionTimeoutMs(CONFIG, confirmations, expected)).toBe(timeoutMs);
});

test.each([
  [2, 0],
  [4, 0],
  [5, 3],
  [50, 3],
])('with %i members up, %i confirmations are expected', (members, expected) => {
  expect(expectedConfirmations(CONFIG, members)).toBe(expected);
});
