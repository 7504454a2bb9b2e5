import { describe, expect, test } from 'bun:test';
import type { TailedEvent } from '../event-tail';
import { CliFailure } from '../exit-codes';
import { eventFilter, parseTopics } from './events';

const event = (name: string, level: TailedEvent['level'], topic?: string) => ({ event: name, level, ...(topic === undefined ? {} : { topic }) }) as TailedEvent;

describe('swarmkv events --topic and --level', () => {
  test('a comma-separated list of known topics; anything else is a usage error naming the choices', () => {
    expect(parseTopics(undefined)).toBeUndefined();
    expect([...parseTopics('membership, chaos')!]).toEqual(['membership', 'chaos']);
    expect(() => parseTopics('membership,gossip')).toThrow(CliFailure);
    expect(() => parseTopics('membership,gossip')).toThrow(/membership, ring, replication, chaos, transport, node; got "membership,gossip"/);
    expect(() => parseTopics('')).toThrow(CliFailure);
  });

  test('both filters at once; an event without a topic (an older node) goes by its name', () => {
    const shown = eventFilter(1, parseTopics('membership'));
    expect(shown(event('membership.member_changed', 'warn', 'membership'))).toBe(true);
    expect(shown(event('membership.member_changed', 'info', 'membership'))).toBe(false);
    expect(shown(event('hints.delivered', 'warn', 'replication'))).toBe(false);
    expect(shown(event('clock.offset_exceeded', 'warn'))).toBe(true);
    expect(eventFilter(0, undefined)(event('anything.at_all', 'info', 'node'))).toBe(true);
  });
});
