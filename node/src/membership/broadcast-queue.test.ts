import { expect, test } from 'bun:test';
import { enqueueBroadcast, retransmitLimit, takeBroadcasts, type BroadcastEntry } from './broadcast-queue';
import type { MemberUpdate } from './member';

function update(nodeId: string, incarnation = 1): MemberUpdate {
  return { nodeId, name: nodeId, httpAddress: 'h:1', state: 'alive', incarnation, from: nodeId };
}

test.each([
  [4, 1, 4],
  [4, 5, 4],
  [4, 9, 4],
  [4, 10, 8],
  [4, 99, 8],
  [4, 100, 12],
  [1, 0, 1],
])('lambda %i with %i members retransmits %i times', (multiplier, members, limit) => {
  expect(retransmitLimit(multiplier, members)).toBe(limit);
});

test('each update is taken at most `limit` times, fewest transmits first, newest first among equals', () => {
  const queue = new Map<string, BroadcastEntry>();
  enqueueBroadcast(queue, update('a'));
  enqueueBroadcast(queue, update('b'));
  expect(takeBroadcasts(queue, 1, 2).map((taken) => taken.nodeId)).toEqual(['b']);
  expect(takeBroadcasts(queue, 1, 2).map((taken) => taken.nodeId)).toEqual(['a']);
  enqueueBroadcast(queue, update('c'));
  expect(takeBroadcasts(queue, 5, 2).map((taken) => taken.nodeId)).toEqual(['c', 'b', 'a']);
  expect([...queue.keys()]).toEqual(['c']);
  expect(takeBroadcasts(queue, 5, 2).map((taken) => taken.nodeId)).toEqual(['c']);
  expect(queue.size).toBe(0);
  expect(takeBroadcasts(queue, 5, 2)).toEqual([]);
});

test('a newer update about a member replaces the queued one and starts its count again', () => {
  const queue = new Map<string, BroadcastEntry>();
  enqueueBroadcast(queue, update('a', 1));
  takeBroadcasts(queue, 1, 3);
  enqueueBroadcast(queue, update('a', 2));
  expect(queue.size).toBe(1);
  expect(queue.get('a')).toEqual({ update: update('a', 2), transmits: 0 });
});
