import { describe, expect, test } from 'bun:test';
import { COALESCED_BATCH_BYTES_MAX, SendCoalescer, type Corkable } from './send-coalescer';

/** A multiplexer that records its corks and uncorks, and a scheduler run by hand. */
function harness() {
  const calls: string[] = [];
  const mux: Corkable = { cork: () => calls.push('cork'), uncork: () => calls.push('uncork') };
  const scheduled: Array<() => void> = [];
  const coalescer = new SendCoalescer(mux, (flush) => scheduled.push(flush));
  const runScheduled = () => scheduled.splice(0).forEach((flush) => flush());
  return { calls, coalescer, scheduled, runScheduled };
}

describe('SendCoalescer', () => {
  test('frames sent within one job share one cork, written when the job ends', () => {
    const { calls, coalescer, scheduled, runScheduled } = harness();
    coalescer.willSend(100);
    coalescer.willSend(100);
    coalescer.willSend(100);
    expect(calls).toEqual(['cork']);
    expect(scheduled).toHaveLength(1);
    runScheduled();
    expect(calls).toEqual(['cork', 'uncork']);
  });

  test('the next job begins a new batch', () => {
    const { calls, coalescer, runScheduled } = harness();
    coalescer.willSend(10);
    runScheduled();
    coalescer.willSend(10);
    runScheduled();
    expect(calls).toEqual(['cork', 'uncork', 'cork', 'uncork']);
  });

  test('a batch that would pass the byte bound is written first', () => {
    const { calls, coalescer, runScheduled } = harness();
    coalescer.willSend(COALESCED_BATCH_BYTES_MAX - 10);
    coalescer.willSend(10);
    expect(calls).toEqual(['cork']);
    coalescer.willSend(1);
    expect(calls).toEqual(['cork', 'uncork', 'cork']);
    runScheduled();
    expect(calls).toEqual(['cork', 'uncork', 'cork', 'uncork']);
  });

  test('a frame larger than the bound goes as a batch of its own', () => {
    const { calls, coalescer, runScheduled } = harness();
    coalescer.willSend(10);
    coalescer.willSend(COALESCED_BATCH_BYTES_MAX + 1);
    expect(calls).toEqual(['cork', 'uncork', 'cork']);
    runScheduled();
    expect(calls).toEqual(['cork', 'uncork', 'cork', 'uncork']);
  });

  test('flush is idempotent: corks and uncorks stay balanced', () => {
    const { calls, coalescer, runScheduled } = harness();
    coalescer.flush();
    coalescer.willSend(10);
    coalescer.flush();
    coalescer.flush();
    runScheduled();
    expect(calls).toEqual(['cork', 'uncork']);
  });

  test('by default the batch is written once the current microtasks have run', async () => {
    const calls: string[] = [];
    const coalescer = new SendCoalescer({ cork: () => calls.push('cork'), uncork: () => calls.push('uncork') });
    coalescer.willSend(1);
    coalescer.willSend(1);
    expect(calls).toEqual(['cork']);
    await Promise.resolve();
    expect(calls).toEqual(['cork', 'uncork']);
  });
});
