import { describe, expect, test } from 'bun:test';
import { SwarmError } from '../errors';
import { CoordinatorKeyLocks } from './coordinator-key-locks';

/** A promise and the function that settles it, to hold a lock open for as long as a test wants. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('CoordinatorKeyLocks', () => {
  test('work on one key runs one at a time, in arrival order', async () => {
    const locks = new CoordinatorKeyLocks();
    const order: string[] = [];
    const first = gate();
    const running = [
      locks.withKey('k', async () => {
        order.push('first start');
        await first.opened;
        order.push('first end');
      }),
      locks.withKey('k', async () => void order.push('second')),
      locks.withKey('k', async () => void order.push('third')),
    ];
    await Bun.sleep(1);
    expect(order).toEqual(['first start']);
    first.open();
    await Promise.all(running);
    expect(order).toEqual(['first start', 'first end', 'second', 'third']);
  });

  test('different keys do not wait for each other', async () => {
    const locks = new CoordinatorKeyLocks();
    const held = gate();
    const slow = locks.withKey('a', () => held.opened);
    expect(await locks.withKey('b', async () => 'b done')).toBe('b done');
    held.open();
    await slow;
  });

  test('a failing holder releases the key, and the table empties once all work is done', async () => {
    const locks = new CoordinatorKeyLocks();
    const failed = locks.withKey('k', async () => {
      throw new Error('boom');
    });
    const next = locks.withKey('k', async () => 'next');
    expect(locks.size).toBe(1);
    await expect(failed).rejects.toThrow('boom');
    expect(await next).toBe('next');
    expect(locks.size).toBe(0);
  });

  test('a full table or a full queue is refused at once as unavailable, and frees up again', async () => {
    const locks = new CoordinatorKeyLocks({ keysMax: 2, waitersMax: 2 });
    const held = gate();
    const holding = [locks.withKey('a', () => held.opened), locks.withKey('a', async () => {}), locks.withKey('b', () => held.opened)];
    for (const refused of [locks.withKey('c', async () => {}), locks.withKey('a', async () => {})]) {
      const error = await refused.then(() => undefined, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(SwarmError);
      expect((error as SwarmError).toJSON()).toMatchObject({ error: 'unavailable', reason: 'busy' });
    }
    held.open();
    await Promise.all(holding);
    expect(locks.size).toBe(0);
    expect(await locks.withKey('c', async () => 'c')).toBe('c');
  });
});
