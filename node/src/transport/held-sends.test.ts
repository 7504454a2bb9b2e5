import { describe, expect, test } from 'bun:test';
import { HeldSends } from './held-sends';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A queue on a clock the test moves, releasing into a list; timers are real but short. */
function held(bytesMax = 1024) {
  let nowMs = 0;
  const released: string[] = [];
  const drops: string[] = [];
  const sends = new HeldSends({
    release: (nodeId, frame) => released.push(`${nodeId}:${new TextDecoder().decode(frame)}`),
    dropped: (nodeId) => drops.push(nodeId),
    bytesMax,
    nowMs: () => nowMs,
  });
  return { sends, released, drops, advance: (ms: number) => (nowMs += ms) };
}

const frame = (text: string) => new TextEncoder().encode(text);

describe('held sends (a chaos delay)', () => {
  test('a frame leaves once due, and never before one held earlier, even with a shorter hold', async () => {
    const { sends, released, advance } = held();
    expect(sends.hold('p', frame('a'), 30)).toBe(true);
    expect(sends.hold('p', frame('b'), 5)).toBe(true);
    expect(sends.holding('p')).toBe(true);
    await sleep(10);
    expect(released).toEqual([]);
    advance(30);
    await sleep(40);
    expect(released).toEqual(['p:a', 'p:b']);
    expect(sends.holding('p')).toBe(false);
  });

  test('peers are held apart: one peer’s queue does not hold another’s', async () => {
    const { sends, released, advance } = held();
    sends.hold('slow', frame('s'), 1_000);
    sends.hold('fast', frame('f'), 1);
    advance(1);
    await sleep(20);
    expect(released).toEqual(['fast:f']);
    expect(sends.holding('slow')).toBe(true);
    sends.discardAll();
    expect(sends.holding('slow')).toBe(false);
  });

  test('past its bytes bound a peer’s queue drops, and counts, what it has no room for', () => {
    const { sends, drops } = held(4);
    expect(sends.hold('p', frame('abc'), 1_000)).toBe(true);
    expect(sends.hold('p', frame('de'), 1_000)).toBe(false);
    expect(sends.hold('p', frame('d'), 1_000)).toBe(true);
    expect(drops).toEqual(['p']);
    // A frame too large for an empty queue leaves no queue behind to hold later frames.
    expect(sends.hold('q', frame('toolong'), 1_000)).toBe(false);
    expect(sends.holding('q')).toBe(false);
    sends.discardAll();
  });

  test('a discarded queue releases nothing, and a release that closes the link stops its queue', async () => {
    const { sends, released, advance } = held();
    sends.hold('p', frame('gone'), 5);
    sends.discard('p');
    advance(5);
    await sleep(20);
    expect(released).toEqual([]);

    let nowMs = 0;
    const closing: string[] = [];
    const link = new HeldSends({
      release: (nodeId, bytes) => {
        closing.push(new TextDecoder().decode(bytes));
        link.discard(nodeId);
      },
      dropped: () => undefined,
      nowMs: () => nowMs,
    });
    link.hold('p', frame('first'), 1);
    link.hold('p', frame('second'), 1);
    nowMs = 1;
    await sleep(20);
    expect(closing).toEqual(['first']);
  });
});
