import { describe, expect, test } from 'bun:test';
import { SwarmError } from '../errors';
import { READ_HEDGE_DELAY_MS, REPLICA_QUORUM_DEADLINE_MS } from '../limits';
import { gatherNeeded, gatherQuorum, requiredAcks } from './quorum';

const targets = ['a', 'b', 'c'].map((nodeId) => ({ nodeId }));
const after = <T>(ms: number, value: T, fail = false) =>
  new Promise<T>((resolve, reject) => setTimeout(() => (fail ? reject(new Error('down')) : resolve(value)), ms));

test.each([
  ['one', 3, 1],
  ['quorum', 3, 2],
  ['all', 3, 3],
  ['quorum', 5, 3],
  ['quorum', 1, 1],
  ['quorum', 2, 2],
  ['one', 0, 0],
] as const)('%s of %i replicas needs %i', (consistency, replicas, needed) => {
  expect(requiredAcks(consistency, replicas)).toBe(needed);
});

test('resolves as soon as the quorum answers, without waiting for the slow replica', async () => {
  const started = performance.now();
  const result = await gatherQuorum(targets, 2, 1000, (nodeId) => after(nodeId === 'c' ? 500 : 5, nodeId));
  expect(result.replies.map((reply) => reply.nodeId).sort()).toEqual(['a', 'b']);
  expect(performance.now() - started).toBeLessThan(400);
});

test('fails fast once success is impossible', async () => {
  const started = performance.now();
  const failure = await gatherQuorum(targets, 2, 5000, (nodeId) => after(5, nodeId, nodeId !== 'a')).catch((error) => error);
  expect(failure).toBeInstanceOf(SwarmError);
  expect((failure as SwarmError).code).toBe('insufficient_replicas');
  expect((failure as SwarmError).details).toEqual({ needed: 2, reached: 1 });
  expect(performance.now() - started).toBeLessThan(1000);
});

test('fails at the deadline when replicas hang', async () => {
  const failure = await gatherQuorum(targets, 2, 50, () => new Promise(() => {})).catch((error) => error);
  expect((failure as SwarmError).details).toEqual({ needed: 2, reached: 0 });
});

test('fails at once when there are fewer targets than needed', async () => {
  const failure = await gatherQuorum(targets.slice(0, 1), 2, 5000, async () => 1).catch((error) => error);
  expect((failure as SwarmError).code).toBe('insufficient_replicas');
});

describe('gatherNeeded (reads)', () => {
  test('asks only as many targets as it needs, in order, when they answer', async () => {
    const asked: string[] = [];
    const result = await gatherNeeded(targets, 2, 1000, async (nodeId) => (asked.push(nodeId), nodeId), { hedgeAfterMs: 500 });
    expect(asked).toEqual(['a', 'b']);
    expect(result.replies.map((reply) => reply.nodeId)).toEqual(['a', 'b']);
  });

  test('replaces a failed target with the next one at once, without waiting for the hedge', async () => {
    const asked: string[] = [];
    const started = performance.now();
    const result = await gatherNeeded(targets, 2, 5000, (nodeId, reason) => (asked.push(`${nodeId}${reason === undefined ? '' : `:${reason}`}`), after(1, nodeId, nodeId === 'b')), { hedgeAfterMs: 4000 });
    expect(asked).toEqual(['a', 'b', 'c:replacement']);
    expect(result.replies.map((reply) => reply.nodeId).sort()).toEqual(['a', 'c']);
    expect(result.failed).toEqual(['b']);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  test('a target that throws at once is replaced too', async () => {
    const result = await gatherNeeded(targets, 1, 5000, (nodeId) => {
      if (nodeId === 'a') throw new SwarmError('unavailable', 'no connection');
      return Promise.resolve(nodeId);
    }, { hedgeAfterMs: 4000 });
    expect(result.replies.map((reply) => reply.nodeId)).toEqual(['b']);
  });

  test('asks the rest once the hedge delay passes without a quorum', async () => {
    const asked: string[] = [];
    const result = await gatherNeeded(targets, 2, 5000, (nodeId, reason) => (asked.push(`${nodeId}${reason === undefined ? '' : `:${reason}`}`), nodeId === 'b' ? new Promise<string>(() => {}) : after(1, nodeId)), {
      hedgeAfterMs: 20,
    });
    expect(asked).toEqual(['a', 'b', 'c:hedge']);
    expect(result.replies.map((reply) => reply.nodeId).sort()).toEqual(['a', 'c']);
  });

  test('skips targets that do not count when choosing whom to ask first, and fails when too few count', async () => {
    const asked: string[] = [];
    const home = (nodeId: string) => nodeId !== 'c';
    const ordered = [{ nodeId: 'a' }, { nodeId: 'b' }, { nodeId: 'c' }];
    await gatherNeeded(ordered, 2, 1000, async (nodeId) => (asked.push(nodeId), nodeId), { counts: home, hedgeAfterMs: 500 });
    expect(asked).toEqual(['a', 'b']);
    const failure = await gatherNeeded(ordered, 2, 1000, (nodeId) => after(1, nodeId, nodeId === 'b'), { counts: home, hedgeAfterMs: 500 }).catch((error) => error);
    expect((failure as SwarmError).code).toBe('insufficient_replicas');
    expect((failure as SwarmError).details).toEqual({ needed: 2, reached: 1 });
  });

  test('a read that never gets its quorum fails at the deadline counted from its start, not from the hedge', async () => {
    const asked: string[] = [];
    const started = performance.now();
    const failure = await gatherNeeded(targets, 2, 150, (nodeId) => (asked.push(nodeId), new Promise<string>(() => {})), { hedgeAfterMs: 50 }).catch((error) => error);
    const elapsedMs = performance.now() - started;
    expect(asked).toEqual(['a', 'b', 'c']);
    expect((failure as SwarmError).details).toEqual({ needed: 2, reached: 0 });
    // Timers do not fire early; the upper bound only leaves room for a loaded machine.
    expect(elapsedMs).toBeGreaterThanOrEqual(145);
    expect(elapsedMs).toBeLessThan(1150);
  });

  test('a hedge delay at or past the deadline never hedges: the first targets alone, then the deadline', async () => {
    const asked: string[] = [];
    const started = performance.now();
    const failure = await gatherNeeded(targets, 2, 60, (nodeId) => (asked.push(nodeId), new Promise<string>(() => {})), { hedgeAfterMs: 60 }).catch((error) => error);
    expect(asked).toEqual(['a', 'b']);
    expect((failure as SwarmError).code).toBe('insufficient_replicas');
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });

  test('the hedge fires well inside the quorum deadline', () => {
    expect(READ_HEDGE_DELAY_MS * 5).toBeLessThanOrEqual(REPLICA_QUORUM_DEADLINE_MS);
  });
});
