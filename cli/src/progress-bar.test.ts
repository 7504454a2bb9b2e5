import { describe, expect, test } from 'bun:test';
import { COUNT_LINE_INTERVAL_MS, ProgressBar, ProgressCount } from './progress-bar';

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

  test('amounts can be written in another unit', () => {
    const { stream, writes } = recorder(false);
    new ProgressBar('import', stream, (bytes) => `${bytes / 1000} kB`).update(500, 1000);
    expect(writes[0]).toContain(' 50 % 0.5 kB/1 kB');
  });
});

describe('ProgressCount', () => {
  test('on a terminal it redraws in place; elsewhere a line at most every interval', () => {
    const tty = recorder(true);
    const onTerminal = new ProgressCount('export', tty.stream);
    onTerminal.update('1 keys');
    onTerminal.update('2 keys');
    onTerminal.finish();
    expect(tty.writes).toEqual(['\r\x1b[2Kexport  1 keys', '\r\x1b[2Kexport  2 keys', '\n']);

    let now = 0;
    const pipe = recorder(false);
    const elsewhere = new ProgressCount('export', pipe.stream, () => now);
    for (; now < 3 * COUNT_LINE_INTERVAL_MS; now += 100) elsewhere.update(`${now} ms`);
    elsewhere.finish();
    expect(pipe.writes).toEqual(['export  0 ms\n', `export  ${COUNT_LINE_INTERVAL_MS} ms\n`, `export  ${2 * COUNT_LINE_INTERVAL_MS} ms\n`]);
  });
});
