import { expect, test } from 'bun:test';
import { SwarmError } from '../errors';
import { gatherQuorum, requiredAcks } from './quorum';

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
