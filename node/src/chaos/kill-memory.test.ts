import { describe, expect, test } from 'bun:test';
import { parseRememberedKill } from './kill-memory';

describe('parseRememberedKill', () => {
  test('a kill event comes back as it was written', () => {
    const event = { atMs: 1_764_000_000_000, kind: 'kill', restartAfterMs: 20_000, run: 'plan-7' } as const;
    expect(parseRememberedKill(JSON.stringify(event))).toEqual(event);
    expect(parseRememberedKill('{"atMs":5,"kind":"kill"}')).toEqual({ atMs: 5, kind: 'kill' });
  });

  test('nothing, an emptied entry or anything but a well-formed kill is no kill', () => {
    for (const text of [undefined, '', '{torn', 'null', '[]', '{"atMs":5,"kind":"pause"}', '{"atMs":-1,"kind":"kill"}', '{"atMs":"5","kind":"kill"}', '{"atMs":5,"kind":"kill","restartAfterMs":1.5}', '{"atMs":5,"kind":"kill","run":7}']) {
      expect(parseRememberedKill(text)).toBeUndefined();
    }
  });
});
