import { describe, expect, test } from 'bun:test';
import { LineFailure, readLines, type Line } from './line-reader';

async function* chunksOf(...parts: (string | Buffer)[]): AsyncGenerator<Buffer> {
  for (const part of parts) yield typeof part === 'string' ? Buffer.from(part) : part;
}

async function collect(lines: AsyncIterable<Line>): Promise<Line[]> {
  const all: Line[] = [];
  for await (const line of lines) all.push(line);
  return all;
}

describe('readLines', () => {
  test('splits on newlines across chunk boundaries, drops \\r before \\n, numbers from 1 and counts bytes', async () => {
    const lines = await collect(readLines(chunksOf('{"a"', ':1}\r\n{"b":2}\n', '{"c":', '3}'), 1024));
    expect(lines.map((line) => line.text)).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
    expect(lines.map((line) => line.number)).toEqual([1, 2, 3]);
    expect(lines.map((line) => line.bytesThrough)).toEqual([9, 17, 24]);
  });

  test('blank lines are skipped but keep their numbers', async () => {
    const lines = await collect(readLines(chunksOf('one\n\n   \ntwo\n\n'), 1024));
    expect(lines.map((line) => [line.number, line.text])).toEqual([
      [1, 'one'],
      [4, 'two'],
    ]);
  });

  test('a multi-byte character split between chunks is decoded whole; a byte order mark at the start is dropped', async () => {
    const text = Buffer.from('\ufeffé€\n');
    const lines = await collect(readLines(chunksOf(text.subarray(0, 4), text.subarray(4)), 1024));
    expect(lines).toEqual([{ text: 'é€', number: 1, bytesThrough: text.length }]);
  });

  test('a line longer than the bound fails with its number before its end is read', async () => {
    let chunksRead = 0;
    async function* endless(): AsyncGenerator<Buffer> {
      yield Buffer.from('short\n');
      for (;;) {
        chunksRead += 1;
        yield Buffer.alloc(64, 0x61);
      }
    }
    const error = await collect(readLines(endless(), 100)).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(LineFailure);
    expect((error as LineFailure).line).toBe(2);
    expect((error as LineFailure).message).toBe('line 2 is longer than 100 bytes');
    expect(chunksRead).toBe(2);
  });

  test('a line exactly at the bound is read; one byte more is not', async () => {
    expect(await collect(readLines(chunksOf(`${'x'.repeat(10)}\n`), 10))).toHaveLength(1);
    await expect(collect(readLines(chunksOf(`${'x'.repeat(11)}\n`), 10))).rejects.toThrow('line 1 is longer than 10 bytes');
  });

  test('bytes that are not UTF-8 fail with the line they are on', async () => {
    const error = await collect(readLines(chunksOf('fine\n', Buffer.from([0x7b, 0xff, 0x7d, 0x0a])), 1024)).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(LineFailure);
    expect((error as LineFailure).message).toBe('line 2 is not well-formed UTF-8');
  });
});
