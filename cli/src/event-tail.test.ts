import { describe, expect, test } from 'bun:test';
import type { EventsReply } from '../../node/src';
import { EventTail, type EventsFetch } from './event-tail';

type Event = EventsReply['events'][number];

const event = (seq: number, second: number, text: string): Event => ({ seq, time: `2026-12-06T12:00:${String(second).padStart(2, '0')}.000Z`, event: 'x.y', level: 'info', text, tone: 'plain', topic: 'node', fields: {} });

/** Members answering from a buffer each (or failing), and the `after` each was asked with. */
function fakeMembers(buffers: Record<string, Event[] | Error>, lives: Record<string, string> = {}) {
  const asked: string[] = [];
  const fetch: EventsFetch = async (url, after) => {
    asked.push(`${url}>${after}`);
    const buffer = buffers[url];
    if (buffer instanceof Error) throw buffer;
    const events = buffer!.filter((kept) => kept.seq > after);
    const last = buffer!.at(-1)?.seq ?? 0;
    return { nodeId: `id-${url}`, startedAt: lives[url] ?? '2026-12-06T12:00:00.000Z', events, next: events.at(-1)?.seq ?? Math.min(after, last) };
  };
  return { asked, fetch };
}

const members = [
  { name: 'n1', url: 'a' },
  { name: 'n2', url: 'b' },
];

describe('EventTail', () => {
  test('merges the members’ events by time, then asks each only for what came after', async () => {
    const buffers = { a: [event(1, 1, 'a1'), event(2, 4, 'a2')], b: [event(1, 2, 'b1'), event(2, 3, 'b2')] };
    const { asked, fetch } = fakeMembers(buffers);
    const tail = new EventTail(fetch);
    const first = await tail.poll(members);
    expect(first.events.map((kept) => `${kept.node}:${kept.text}`)).toEqual(['n1:a1', 'n2:b1', 'n2:b2', 'n1:a2']);
    expect(first.events[0]!.nodeId).toBe('id-a');
    buffers.b.push(event(3, 5, 'b3'));
    const second = await tail.poll(members);
    expect(second.events.map((kept) => kept.text)).toEqual(['b3']);
    expect(asked.slice(-2).sort()).toEqual(['a>2', 'b>2']);
  });

  test('a member that stops answering is noted once, and again when it answers', async () => {
    const buffers: Record<string, Event[] | Error> = { a: [event(1, 1, 'a1')], b: new Error('connection refused') };
    const tail = new EventTail(fakeMembers(buffers).fetch);
    expect((await tail.poll(members)).notes).toEqual(['n2 does not answer (connection refused); its events follow when it does']);
    expect((await tail.poll(members)).notes).toEqual([]);
    buffers.b = [event(1, 2, 'b1')];
    const back = await tail.poll(members);
    expect(back.notes).toEqual(['n2 answers again']);
    expect(back.events.map((kept) => kept.text)).toEqual(['b1']);
  });

  test('a restarted member (a new startedAt, its sequence from 1 again) is read from the start of its new life', async () => {
    const buffers: Record<string, Event[] | Error> = { a: [event(1, 1, 'old1'), event(2, 2, 'old2')], b: [] };
    const lives: Record<string, string> = {};
    const tail = new EventTail(fakeMembers(buffers, lives).fetch);
    await tail.poll(members);
    // Its new life has logged more than the old one had by the time it is asked: seq alone would skip them.
    lives.a = '2026-12-06T12:00:09.000Z';
    buffers.a = [event(1, 10, 'new1'), event(2, 11, 'new2'), event(3, 12, 'new3')];
    expect((await tail.poll(members)).events.map((kept) => kept.text)).toEqual(['new1', 'new2', 'new3']);
    expect((await tail.poll(members)).events).toEqual([]);
  });
});
