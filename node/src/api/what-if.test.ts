import { describe, expect, test } from 'bun:test';
import { createHash, randomBytes } from 'node:crypto';
import { SwarmError } from '../errors';
import { HashRing, ringChange } from '../ring';
import type { MemberView } from './cluster-view';
import { predictWhatIf, type WhatIfModel } from './what-if';
import { parseWhatIfQuery, resolveRemovals } from './what-if-query';

const KEYS = 3000;

function nodeId(label: string): string {
  return createHash('sha256').update(label).digest('hex').slice(0, 16);
}

function modelOf(size: number, options: { dead?: number; keyCount?: number | null } = {}): WhatIfModel {
  const ids = Array.from({ length: size }, (_, index) => nodeId(`what-if-test-${index}`));
  const members = ids.map((id, index): MemberView => ({
    nodeId: id,
    name: `node-${index + 1}`,
    httpAddress: `10.0.0.${index + 1}:7070`,
    state: index === options.dead ? 'dead' : 'alive',
    stateAgeMs: 0,
    why: null,
    incarnation: 1,
    heartbeatAgeMs: 0,
    // Every key on N = min(3, size) replicas: each member reports its share of 3 copies.
    keyCount: options.keyCount === undefined ? Math.round((KEYS * Math.min(3, size)) / size) : options.keyCount,
    ringDigest: null,
    clockOffsetMs: null,
    answerMs: null,
    askedLast: false,
    self: index === 0,
  }));
  return { ring: new HashRing(ids.map((id) => ({ nodeId: id }))), replicationFactor: 3, members, bytesPerKey: 150, rate: { keysPerSecond: 1000, source: 'default' } };
}

describe('predictWhatIf', () => {
  test('adding one node to three: about 3/4 of the keys gain it as a replica, streamed from live owners', async () => {
    const reply = await predictWhatIf(modelOf(3), 1, []);
    expect(reply.after).toEqual({ members: 4, replicationFactor: 3 });
    expect(reply.added).toHaveLength(1);
    // The mean over random ids depends on the current ring (this one's is ~0.785, not the 3/4 of an
    // average ring): compare with 200 draws, within 4 standard errors of the reply's 16.
    const model = modelOf(3);
    const reference = Array.from({ length: 200 }, () => ringChange(model.ring, 3, model.ring.withChange([randomBytes(8).toString('hex')], []), 3).shareChanged);
    const referenceMean = reference.reduce((sum, share) => sum + share, 0) / reference.length;
    expect(Math.abs(reply.expectedShare - referenceMean)).toBeLessThan((4 * reply.shareStdDev) / Math.sqrt(reply.idSamples) + 0.005);
    expect(reply.shareStdDev).toBeGreaterThan(0);
    expect(reply.keys.total).toBe(KEYS);
    expect(reply.keys.changing).toBe(Math.round(KEYS * reply.share));
    const joiner = reply.nodes.find((node) => node.placeholder)!;
    expect(joiner.name).toBe('what-if-1');
    expect(joiner.keysReceived).toBe(reply.keys.changing);
    expect(Math.abs(joiner.bytesReceived - joiner.keysReceived * 150)).toBeLessThanOrEqual(150);
    // Whatever the new node takes, some current owner sends and another releases.
    const sent = reply.nodes.reduce((sum, node) => sum + node.keysSent, 0);
    expect(Math.abs(sent - joiner.keysReceived)).toBeLessThanOrEqual(reply.nodes.length);
    expect(Math.abs(reply.nodes.reduce((sum, node) => sum + node.keysReleased, 0) - joiner.keysReceived)).toBeLessThanOrEqual(reply.nodes.length);
    expect(reply.estimatedSeconds).toBeCloseTo(Math.max(...reply.nodes.map((node) => Math.max(node.keysSent, node.keysReceived))) / 1000, 3);
  });

  test('the same question gets the same placeholder ids and share', async () => {
    const model = modelOf(5);
    const [first, second] = [await predictWhatIf(model, 2, []), await predictWhatIf(model, 2, [])];
    expect(second.added).toEqual(first.added);
    expect(second.share).toBe(first.share);
  });

  test('removing a dead member: exact share, nothing sent by it, every copy it held re-replicated', async () => {
    const model = modelOf(5, { dead: 2 });
    const gone = model.ring.members[2]!.nodeId;
    const deadId = model.members[2]!.nodeId;
    const reply = await predictWhatIf(model, 0, [deadId]);
    expect(reply.idSamples).toBe(0);
    expect(reply.expectedShare).toBe(reply.share);
    expect(reply.nodes.find((node) => node.nodeId === deadId)!.keysSent).toBe(0);
    expect(reply.keys.withoutSource).toBe(0);
    expect(gone).toBeDefined();
    expect(Math.abs(reply.keys.copiesMoved - reply.keys.changing)).toBeLessThanOrEqual(reply.nodes.length);
  });

  test('without reported key counts the keys are 0 and the notes say how many reported', async () => {
    const reply = await predictWhatIf(modelOf(3, { keyCount: null }), 1, []);
    expect(reply.keys.total).toBe(0);
    expect(reply.keys.reportedBy).toBe(0);
    expect(reply.notes.join(' ')).toContain('0 of 3 members');
  });

  test('a 20-member ring answers within seconds, spread included, holding the event loop for one draw at a time', async () => {
    let longestTurnMs = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      longestTurnMs = Math.max(longestTurnMs, performance.now() - last);
      last = performance.now();
    }, 1);
    const started = performance.now();
    await predictWhatIf(modelOf(20), 2, []);
    clearInterval(ticker);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(longestTurnMs).toBeLessThan(200);
  });
});

describe('what-if query', () => {
  const invalid = (text: string) => {
    try {
      parseWhatIfQuery(new URLSearchParams(text));
    } catch (error) {
      return error instanceof SwarmError && error.code === 'invalid_query';
    }
    return false;
  };

  test.each(['', 'add=0', 'add=65', 'add=x', 'add=1&add=2', 'remove=', 'remove=a&remove=a', 'drop=a', `remove=${'a'.repeat(257)}`])('%s is invalid_query', (text) => {
    expect(invalid(text)).toBe(true);
  });

  test('add and repeated remove together', () => {
    expect(parseWhatIfQuery(new URLSearchParams('add=2&remove=a&remove=b'))).toEqual({ add: 2, remove: ['a', 'b'] });
  });

  test('removals resolve ids and names, and refuse strangers and an empty ring', () => {
    const names = new Map([['id1', 'node-1'], ['id2', 'node-2']]);
    expect(resolveRemovals(['node-2', 'id1'].slice(0, 1), ['id1', 'id2'], names)).toEqual(['id2']);
    expect(() => resolveRemovals(['stranger'], ['id1', 'id2'], names)).toThrow(SwarmError);
    expect(() => resolveRemovals(['id1', 'node-2'], ['id1', 'id2'], names)).toThrow(/no ring/);
    expect(() => resolveRemovals(['id1', 'node-1'], ['id1', 'id2'], names)).toThrow(/at most once/);
  });
});
