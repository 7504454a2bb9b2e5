import { describe, expect, test } from 'bun:test';
import { ProgressBar } from './progress-bar';

function recorder(isTTY: boolean) {
  const writes: string[] = [];
  return { stream: { isTTY, write: (text: string) => writes.push(text) }, writes };
}

describe('ProgressBar', () => {
  test('on a terminal it redraws one line in place and ends it when finished', () => {
    const { stream, writes } = recorder(true);
    const bar = new ProgressBar('repair', stream);
    for (let done = 0; done <= 4; done++) bar.update(done, 4);
    bar.finish();
    expect(writes).toHaveLength(6);
    expect(writes.slice(0, 5).every((text) => text.startsWith('\r\x1b[2K') && !text.includes('\n'))).toBe(true);
    expect(writes[4]).toContain(`[${'#'.repeat(30)}] 100 % 4/4`);
    expect(writes[5]).toBe('\n');
  });

  test('elsewhere it prints one line per tenth, whatever the number of updates', () => {
    const { stream, writes } = recorder(false);
    const bar = new ProgressBar('repair', stream);
    for (let done = 0; done <= 1000; done++) bar.update(done, 1000, 'ranges');
    bar.finish();
    expect(writes).toHaveLength(11);
    expect(writes.every((text) => text.endsWith('\n'))).toBe(true);
    expect(writes[0]).toContain('  0 % 0/1000  ranges');
    expect(writes[10]).toContain('100 % 1000/1000');
  });

  test('nothing to do is done', () => {
    const { stream, writes } = recorder(false);
    new ProgressBar('repair', stream).update(0, 0);
    expect(writes[0]).toContain('100 % 0/0');
  });
});
