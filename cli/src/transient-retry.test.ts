import { describe, expect, test } from 'bun:test';
import { CliFailure, exitCodes } from './exit-codes';
import type { NodeReply } from './node-client';
import { BULK_ATTEMPTS_MAX, withRetries } from './transient-retry';

const reply = (status: number): NodeReply => ({ status, body: null, url: 'http://node' });

function scripted(outcomes: (number | 'unreachable')[]) {
  let calls = 0;
  const send = async () => {
    const outcome = outcomes[Math.min(calls++, outcomes.length - 1)]!;
    if (outcome === 'unreachable') throw new CliFailure(exitCodes.unreachable, 'no node reachable');
    return reply(outcome);
  };
  return { send, calls: () => calls };
}

describe('withRetries', () => {
  test('a 503 or an unreachable node is tried again, after pauses that double', async () => {
    const pauses: number[] = [];
    const count = { retries: 0 };
    const { send, calls } = scripted([503, 'unreachable', 200]);
    expect((await withRetries(send, count, async (ms) => void pauses.push(ms))).status).toBe(200);
    expect(calls()).toBe(3);
    expect(pauses).toEqual([200, 400]);
    expect(count.retries).toBe(2);
  });

  test('any other answer is final at once', async () => {
    for (const status of [200, 400, 404, 409, 500, 507]) {
      const { send, calls } = scripted([status]);
      expect((await withRetries(send, { retries: 0 }, async () => {})).status).toBe(status);
      expect(calls()).toBe(1);
    }
  });

  test('after the last attempt the transient answer, or the unreachable failure, is the result', async () => {
    const busy = scripted([503]);
    expect((await withRetries(busy.send, { retries: 0 }, async () => {})).status).toBe(503);
    expect(busy.calls()).toBe(BULK_ATTEMPTS_MAX);
    const away = scripted(['unreachable']);
    await expect(withRetries(away.send, { retries: 0 }, async () => {})).rejects.toThrow('no node reachable');
    expect(away.calls()).toBe(BULK_ATTEMPTS_MAX);
  });
});
