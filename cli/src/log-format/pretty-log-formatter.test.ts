// Pretty log lines from the daemon's JSON lines: sentences for the events a person watches for, a
// generic rendering for the rest, and nothing from a log field reaching the terminal raw.

import { createColors } from 'colorette';
import { describe, expect, test } from 'bun:test';
import { PrettyLogFormatter } from './pretty-log-formatter';

const TIME = '2026-12-02T12:01:03.412Z';
const line = (node: string, event: string, fields: Record<string, unknown> = {}, level = 'info') => JSON.stringify({ level, time: TIME, node, event, ...fields });
const plain = () => new PrettyLogFormatter(createColors({ useColor: false }));
/** The line without its local time, which depends on the time zone the test runs in. */
const untimed = (text: string) => text.replace(/^\d\d:\d\d:\d\d\.\d{3} /, '');

describe('membership', () => {
  test('joined, suspect, refuted, suspect again, dead, as one observer saw them', () => {
    const formatter = plain();
    const member = (state: string, incarnation: number) => untimed(formatter.format(line('node-7071', 'membership.member_changed', { member: 'b7', name: 'node-7072', state, incarnation })));
    expect(member('alive', 3)).toBe('node-7071   node-7072 joined (incarnation 3)\n');
    expect(member('suspect', 3)).toBe('node-7071   node-7072 is suspect (incarnation 3: probes went unanswered)\n');
    expect(member('alive', 4)).toBe('node-7071   node-7072 refuted the suspicion: alive (incarnation 4, was 3)\n');
    expect(member('suspect', 4)).toContain('node-7072 is suspect (incarnation 4');
    expect(member('dead', 4)).toBe('node-7071   node-7072 is dead (incarnation 4: suspect for longer than the suspicion timeout)\n');
  });

  test('a node raising its own incarnation refutes a suspicion of itself', () => {
    const formatted = untimed(plain().format(line('node-7071', 'membership.member_changed', { member: 'a1', name: 'node-7071', state: 'alive', incarnation: 9 })));
    expect(formatted).toBe('node-7071   refutes a suspicion of itself: alive, with a new incarnation (incarnation 9)\n');
  });

  test('ids are shown as the names seen for them', () => {
    const formatter = plain();
    formatter.format(line('node-7071', 'transport.peer_up', { nodeId: 'b7', name: 'node-7072', httpAddress: '127.0.0.1:7072' }));
    expect(untimed(formatter.format(line('node-7071', 'hints.delivered', { to: 'b7', count: 12, failed: 0, remaining: 0 })))).toBe('node-7071   delivered 12 hints to node-7072 (0 still held)\n');
    expect(untimed(formatter.format(line('node-7071', 'hints.overflow', { target: 'c9', refused: 1, pending: 5, hintsMax: 5, bytes: 10, hintBytesMax: 99 }, 'warn')))).toBe(
      'node-7071   WARN refused 1 hint for c9: the hint store is full (5 of 5 hints, 10 of 99 bytes)\n',
    );
  });
});

describe('every line', () => {
  test('starts with the local time, then the node', () => {
    const formatted = plain().format(line('node-7070', 'node.stopped'));
    const local = new Date(TIME);
    expect(formatted.startsWith(`${String(local.getHours()).padStart(2, '0')}:${String(local.getMinutes()).padStart(2, '0')}:03.412 node-7070   stopped`)).toBe(true);
  });

  test('an event without a sentence shows its name and fields', () => {
    expect(untimed(plain().format(line('node-7070', 'custom.event', { nodeId: 'ab', attempt: 2, note: 'two words' })))).toBe('node-7070   custom.event nodeId=ab attempt=2 note="two words"\n');
  });

  test('control characters from fields, names and non-JSON lines are escaped', () => {
    const formatter = plain();
    const hostile = untimed(formatter.format(line('node-\u001b[2J', 'membership.member_changed', { member: 'x', name: 'evil\u001b]0;title\u0007\nforged', state: 'alive', incarnation: 1 })));
    expect(hostile).toBe('node-\\x1b[2J  evil\\x1b]0;title\\x07\\nforged joined (incarnation 1)\n');
    expect(formatter.format('not json \u009b31m\r')).toBe('not json \\x9b31m\\r\n');
  });

  test('colour only when asked for', () => {
    const coloured = new PrettyLogFormatter(createColors({ useColor: true })).format(line('node-7070', 'node.stopped'));
    expect(coloured).toContain('\u001b[');
    expect(plain().format(line('node-7070', 'node.stopped'))).not.toContain('\u001b');
  });
});
