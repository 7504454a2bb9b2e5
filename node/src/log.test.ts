import { describe, expect, test } from 'bun:test';
import { RECENT_EVENT_FIELDS_BYTES_MAX, RECENT_EVENT_TEXT_CHARS_MAX, RECENT_EVENTS_MAX, RecentEvents, recordingLogger, type Logger } from './log';

const parsed = (events: string[]) => events.map((text) => JSON.parse(text));

describe('RecentEvents', () => {
  test('pages ascending by seq, `after` exclusive, `next` the last seq returned', () => {
    const recent = new RecentEvents(() => Date.UTC(2026, 0, 1));
    for (let index = 1; index <= 5; index++) recent.record('info', `e${index}`, { index });
    const first = recent.after(0, 2);
    expect(parsed(first.events)).toEqual([
      { seq: 1, time: '2026-01-01T00:00:00.000Z', event: 'e1', level: 'info', text: 'e1', tone: 'plain', topic: 'e1', fields: { index: 1 } },
      { seq: 2, time: '2026-01-01T00:00:00.000Z', event: 'e2', level: 'info', text: 'e2', tone: 'plain', topic: 'e2', fields: { index: 2 } },
    ]);
    expect(first.next).toBe(2);
    const rest = recent.after(first.next, 100);
    expect(parsed(rest.events).map((event) => event.seq)).toEqual([3, 4, 5]);
    expect(recent.after(rest.next, 100)).toEqual({ events: [], next: 5 });
    // A poller from a previous life of the node (a larger seq) is brought back to this one's.
    expect(recent.after(999, 10)).toEqual({ events: [], next: 5 });
  });

  test(`keeps the last ${RECENT_EVENTS_MAX}: older ones are skipped, the sequence goes on`, () => {
    const recent = new RecentEvents(() => 0);
    const total = RECENT_EVENTS_MAX + 250;
    for (let index = 1; index <= total; index++) recent.record('warn', 'e', { index });
    const page = recent.after(0, RECENT_EVENTS_MAX);
    const seqs = parsed(page.events).map((event) => event.seq);
    expect(seqs.length).toBe(RECENT_EVENTS_MAX);
    expect(seqs[0]).toBe(251);
    expect(seqs.at(-1)).toBe(total);
  });

  test('debug events are not kept; oversized fields are replaced by a note', () => {
    const recent = new RecentEvents(() => 0);
    recent.record('debug', 'chatty', {});
    recent.record('error', 'big', { stack: 'x'.repeat(RECENT_EVENT_FIELDS_BYTES_MAX + 1) });
    const events = parsed(recent.after(0, 10).events);
    expect(events.map((event) => event.event)).toEqual(['big']);
    expect(events[0].fields.truncated).toContain(String(RECENT_EVENT_FIELDS_BYTES_MAX));
  });

  test('each kept event carries its words, in log order; a long sentence is cut', () => {
    const seen: string[] = [];
    const recent = new RecentEvents(
      () => 0,
      (event, fields) => {
        seen.push(event);
        return event === 'long' ? { text: 'y'.repeat(RECENT_EVENT_TEXT_CHARS_MAX * 2), tone: 'bad', topic: 'node' } : { text: `${event} said, ${String(fields.n)}`, tone: 'good', topic: 'ring' };
      },
    );
    recent.record('debug', 'unkept', { n: 0 });
    recent.record('info', 'first', { n: 1 });
    recent.record('error', 'long', {});
    const events = parsed(recent.after(0, 10).events);
    expect(seen).toEqual(['first', 'long']);
    expect(events[0]).toMatchObject({ text: 'first said, 1', tone: 'good', topic: 'ring' });
    expect(events[1].text.length).toBe(RECENT_EVENT_TEXT_CHARS_MAX);
    expect(events[1].text.endsWith('…')).toBe(true);
  });
});

test('recordingLogger passes every call through unchanged and keeps children’s fields', () => {
  const calls: unknown[][] = [];
  const inner: Logger = {
    debug: (...args) => calls.push(['debug', ...args]),
    info: (...args) => calls.push(['info', ...args]),
    warn: (...args) => calls.push(['warn', ...args]),
    error: (...args) => calls.push(['error', ...args]),
    child: (fields) => ({ ...inner, info: (...args) => calls.push(['child-info', fields, ...args]) }),
  };
  const recent = new RecentEvents(() => 0);
  const logger = recordingLogger(inner, recent);
  logger.warn('w', { a: 1 });
  logger.debug('d', {});
  logger.child({ node: 'n1' }).info('i', { b: 2 });
  expect(calls).toEqual([
    ['warn', 'w', { a: 1 }],
    ['debug', 'd', {}],
    ['child-info', { node: 'n1' }, 'i', { b: 2 }],
  ]);
  expect(parsed(recent.after(0, 10).events).map(({ event, level, fields }) => ({ event, level, fields }))).toEqual([
    { event: 'w', level: 'warn', fields: { a: 1 } },
    { event: 'i', level: 'info', fields: { node: 'n1', b: 2 } },
  ]);
});
