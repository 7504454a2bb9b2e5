// Every event of docs/operations.md reads as a sentence on a terminal, and each sentence, given the
// fields its row documents, says something of each: no `undefined`, `NaN` or `[object Object]` where
// a documented field was meant. The operations guide is itself kept true of the code by
// test/docs.test.ts, so this covers every event the daemon emits.

import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventMemory } from './event-names';
import { describeEvent, EventDescriber, memberStateReason, type LogFields } from './event-sentences';
import { EVENT_TOPICS, isEventTopic, topicOf } from './event-topics';

const OPERATIONS_GUIDE = join(import.meta.dir, '../../../docs/operations.md');

/** Fields that hold text or lists in the daemon's lines; any other documented field is a number. */
const TEXT_FIELDS = new Set(['range', 'from', 'to', 'reason', 'error', 'stack', 'message', 'route', 'code', 'id', 'role', 'key', 'target', 'member', 'name', 'nodeId', 'remoteKey', 'remoteAddress', 'type', 'detail', 'kept', 'peer', 'address', 'bound', 'url', 'engine', 'dataDir', 'syncPolicy', 'cluster', 'advertise', 'profile', 'trigger', 'action', 'resource', 'phase', 'pendingDigest', 'digest', 'state', 'for', 'topic', 'publicKey', 'httpAddress', 'run', 'rangeStart', 'rangeEnd', 'previousState', 'by', 'accuser', 'heard']);
const LIST_FIELDS = new Set(['peers', 'closing', 'failedSuccessors', 'bootstrap', 'helpers']);
const FLAG_FIELDS = new Set(['founder', 'cutShort', 'ringSettled', 'sameKey', 'truncated']);

interface EventRow {
  readonly event: string;
  readonly fields: readonly string[];
}

/** The Events table's rows: each event with the field names its third cell backticks ("the same" adds the row above's). */
function documentedEvents(): EventRow[] {
  const section = readFileSync(OPERATIONS_GUIDE, 'utf8').split('\n### Events\n')[1]!.split(/\n#{2,3} /)[0]!;
  const rows: EventRow[] = [];
  for (const [, event, fieldsCell] of section.matchAll(/^\| `([a-z_]+\.[a-z_]+)` \| [^|]+ \| ([^|]*) \|/gm)) {
    const named = [...fieldsCell!.matchAll(/`([^`]+)`/g)].flatMap((match) => match[1]!.split(',')).map((name) => name.trim().replace(/\?$/, '')).filter((name) => /^[a-zA-Z]+$/.test(name));
    const inherited = /\bthe same\b/.test(fieldsCell!) ? (rows.at(-1)?.fields ?? []) : [];
    rows.push({ event: event!, fields: [...inherited, ...named] });
  }
  return rows;
}

function sampleValue(field: string): unknown {
  if (LIST_FIELDS.has(field)) return ['node-7071', 'node-7072'];
  if (FLAG_FIELDS.has(field)) return true;
  if (field === 'error' || field === 'stack') return 'Error: disk full\n    at commit (lmdb-store.ts:1:1)';
  return TEXT_FIELDS.has(field) ? `${field}-value` : 1500;
}

const memory: EventMemory = { nameOf: (nodeId) => String(nodeId), remember: () => undefined };

describe('log sentences', () => {
  const rows = documentedEvents();

  test('the operations guide lists the events (the table is read)', () => {
    expect(rows.length).toBeGreaterThan(90);
    expect(rows.find((row) => row.event === 'chaos.delay')?.fields).toEqual(['peers', 'delayMs', 'jitterMs', 'durationMs', 'run']);
  });

  test('every documented event has a sentence that uses only what its row documents', () => {
    const faults: string[] = [];
    for (const { event, fields } of rows) {
      const sample: LogFields = Object.fromEntries(fields.map((field) => [field, sampleValue(field)]));
      const sentence = describeEvent(event, sample, memory, 'node-7070');
      if (sentence === undefined) faults.push(`${event}: no sentence`);
      else if (/undefined|NaN|\[object /.test(sentence.text)) faults.push(`${event}: ${sentence.text}`);
    }
    expect(faults).toEqual([]);
  });
});

describe('the sentences a chaos lesson shows', () => {
  const say = (event: string, fields: LogFields) => describeEvent(event, fields, memory, 'node-7070')?.text;

  test('in the units of the command line that caused them', () => {
    expect(say('chaos.partition', { peers: ['node-7072'], durationMs: 10_000, run: 'lesson-1' })).toBe('chaos: cut off from node-7072 for 10s: every message either way is dropped (run lesson-1)');
    expect(say('chaos.delay', { peers: ['node-7071'], delayMs: 200, jitterMs: 50 })).toBe('chaos: messages to node-7071 held by 200ms + up to 50ms');
    expect(say('chaos.delay', { peers: ['node-7071'], delayMs: 0 })).toBe('chaos: the delay to node-7071 lifted');
    expect(say('chaos.skew', { offsetMs: -90_000 })).toBe('chaos: the clock now runs 90s behind real time');
    expect(say('chaos.kill', { restartAfterMs: 20_000 })).toBe('chaos: killed with SIGKILL; swarmkv up starts it again in 20s');
    expect(say('chaos.restarted_after_kill', { killedAt: '2026-12-06T12:00:00.000Z', downMs: 20_350, restartAfterMs: 20_000, run: 'demo' })).toBe('started again 20.4 s after a chaos kill (run demo)');
  });

  test('the clock bound, both ways', () => {
    expect(say('clock.offset_exceeded', { offsetMs: 90_000, maxOffsetMs: 500, peersMeasured: 2, peersBeyond: 2 })).toBe(
      "refusing writes: its clock is +1 min 30 s off its peers' (2 of 2 beyond the 500 ms bound); fix the clock, or write through another node",
    );
    expect(say('clock.offset_exceeded', { offsetMs: 3_600_000, maxOffsetMs: 500, peersMeasured: 2, peersBeyond: 2 })).toStartWith("refusing writes: its clock is +1 h 0 min off its peers'");
    expect(say('clock.offset_restored', { offsetMs: -12, maxOffsetMs: 500, peersMeasured: 2, peersBeyond: 0 })).toBe("its clock is within 500 ms of its peers' again (-12 ms): writing again");
  });
});

describe('a describer', () => {
  test('fields of unexpected shapes still make a line, and a field that throws costs only the words', () => {
    const describer = new EventDescriber();
    expect(describer.describe('chaos.partition', { peers: 5, durationMs: 'soon' }, 'n1')?.text).toBe('chaos: cut off from nobody: every message either way is dropped');
    expect(describer.describe('leave.finished', {}, 'n1')?.text).toContain('left the cluster');
    const hostile = Object.defineProperty({}, 'error', { enumerable: true, get: () => { throw new Error('no'); } });
    expect(describer.describe('storage.commit_failed', hostile, 'n1')).toBeUndefined();
  });

  test('names learnt from one event serve the next', () => {
    const describer = new EventDescriber();
    describer.describe('transport.peer_up', { nodeId: 'b7', name: 'node-7072', httpAddress: '127.0.0.1:7072' }, 'node-7071');
    expect(describer.describe('transport.peer_down', { nodeId: 'b7' }, 'node-7071')?.text).toBe('connection to node-7072 lost');
  });
});

describe('a member’s change says why, as SWIM decided it', () => {
  const names = new Map([['b1', 'node-7070'], ['b2', 'node-7071'], ['b3', 'node-7072']]);
  const named: EventMemory = { nameOf: (nodeId) => names.get(String(nodeId)) ?? String(nodeId), remember: () => undefined };
  const change = (fields: LogFields, observer = 'node-7070') => describeEvent('membership.member_changed', { member: 'b3', name: 'node-7072', incarnation: 7, ...fields }, named, observer)?.text;

  test('suspect: this node’s failed probe, direct and indirect, or another’s word', () => {
    expect(change({ state: 'suspect', by: 'probe', helpers: ['b2'], nacks: 1 })).toBe("node-7072 is suspect (incarnation 7: no ack to this node's ping, nor through node-7071; 1 of them answered they could not reach it either)");
    expect(change({ state: 'suspect', by: 'probe', helpers: [], nacks: 0 })).toBe("node-7072 is suspect (incarnation 7: no ack to this node's ping, and no other member to ask)");
    expect(change({ state: 'suspect', by: 'gossip', accuser: 'b2' })).toBe('node-7072 is suspect (incarnation 7: node-7071 suspects it, and gossip carried that here)');
  });

  test('dead: this node’s suspicion ran out, or another declared it', () => {
    expect(change({ state: 'dead', by: 'timeout', suspectMs: 1500, accusers: 2 })).toBe('node-7072 is dead (incarnation 7: suspect for 1.5 s with no refutation (the suspicion timeout; 2 accusers))');
    expect(change({ state: 'dead', by: 'gossip', accuser: 'b1' })).toBe('node-7072 is dead (incarnation 7: node-7070 declared it dead, and gossip carried that here)');
  });

  test('a refutation names who had this node down, and how', () => {
    expect(change({ state: 'alive', by: 'refutation', heard: 'dead', accuser: 'b1' }, 'node-7072')).toBe('refutes a suspicion of itself: alive, with a new incarnation (incarnation 7: node-7070 had it dead)');
  });

  test('a member list’s `why` is the same words, without the incarnation; none without a cause', () => {
    const nameOf = (nodeId: unknown) => named.nameOf(nodeId);
    expect(memberStateReason({ state: 'suspect', by: 'probe', helpers: ['b1', 'b2'], nacks: 2 }, nameOf)).toBe(
      "no ack to this node's ping, nor through node-7070, node-7071; 2 of them answered they could not reach it either",
    );
    expect(memberStateReason({ state: 'dead', by: 'timeout', suspectMs: 2250, accusers: 1 }, nameOf)).toBe('suspect for 2.3 s with no refutation (the suspicion timeout; 1 accuser)');
    expect(memberStateReason({ state: 'dead', by: 'gossip', accuser: 'b2' }, nameOf)).toBe('node-7071 declared it dead, and gossip carried that here');
    expect(memberStateReason({ state: 'alive', by: 'refutation', heard: 'suspect', accuser: 'b2' }, nameOf)).toBe('heard node-7071 had it suspect, and answered alive with a new incarnation');
    expect(memberStateReason({ state: 'alive' }, nameOf)).toBeNull();
    expect(memberStateReason({ state: 'left' }, nameOf)).toBeNull();
    const throwing = () => {
      throw new Error('no names today');
    };
    expect(memberStateReason({ state: 'dead', by: 'gossip', accuser: 'b2' }, throwing)).toBeNull();
  });
});

describe('each event’s topic', () => {
  test('every documented event’s first word is listed under a topic, none left to the fallback', () => {
    const listed = new Set<string>(EVENT_TOPICS.flatMap((entry) => entry.prefixes));
    const unlisted = [...new Set(documentedEvents().map((row) => row.event.split('.')[0]!))].filter((prefix) => !listed.has(prefix));
    expect(unlisted).toEqual([]);
    // A prefix under two topics would make the filter's counts lie.
    expect(listed.size).toBe(EVENT_TOPICS.flatMap((entry) => entry.prefixes).length);
  });

  test('by the first word of the name, and `node` for a name it does not know', () => {
    expect(['membership.member_changed', 'clock.offset_exceeded', 'rebalance.transfer_finished', 'hints.delivered', 'chaos.partitioned', 'dht.node_added', 'http.internal_error', 'someday.new_event', 'bare'].map(topicOf)).toEqual([
      'membership', 'membership', 'ring', 'replication', 'chaos', 'transport', 'node', 'node', 'node',
    ]);
    expect(isEventTopic('ring')).toBe(true);
    expect(isEventTopic('rings')).toBe(false);
  });
});
