// Lines of a byte stream, for `swarmkv import`: each line decoded as strict UTF-8, numbered from 1, with
// the bytes consumed so far (for progress against a file's size). Memory stays bounded by the longest
// line allowed: a line is refused as soon as it grows past the bound, before its end is even read, so a
// file without newlines cannot fill the heap.

import { CliFailure, exitCodes } from './exit-codes';

/** A line that cannot be read (too long, not UTF-8): a usage error that knows the line's number. */
export class LineFailure extends CliFailure {
  readonly line: number;

  constructor(line: number, problem: string) {
    super(exitCodes.usage, `line ${line} ${problem}`);
    this.line = line;
  }
}

export interface Line {
  /** The line's text, without its `\n` or `\r\n`. */
  readonly text: string;
  /** 1 for the first line of the stream. */
  readonly number: number;
  /** Bytes of the stream read up to the end of this line, its newline included. */
  readonly bytesThrough: number;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const BYTE_ORDER_MARK = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Every non-blank line of `chunks` (blank lines are skipped, and still counted in the numbering). A
 * line longer than `lineBytesMax`, or not well-formed UTF-8, ends the stream with a usage error that
 * names the line. A UTF-8 byte order mark at the very start is dropped.
 */
export async function* readLines(chunks: AsyncIterable<Buffer | Uint8Array | string>, lineBytesMax: number): AsyncGenerator<Line> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let number = 0;
  let bytesRead = 0;
  let atStart = true;

  const lineOf = (parts: Buffer[], bytesThrough: number): Line | undefined => {
    number += 1;
    let bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    if (bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN) bytes = bytes.subarray(0, bytes.length - 1);
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      throw new LineFailure(number, 'is not well-formed UTF-8');
    }
    return text.trim().length === 0 ? undefined : { text, number, bytesThrough };
  };
  const tooLong = () => new LineFailure(number + 1, `is longer than ${lineBytesMax} bytes`);

  for await (const chunk of chunks) {
    let bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (atStart && bytes.length > 0) {
      atStart = false;
      if (bytes.subarray(0, BYTE_ORDER_MARK.length).equals(BYTE_ORDER_MARK)) {
        bytesRead += BYTE_ORDER_MARK.length;
        bytes = bytes.subarray(BYTE_ORDER_MARK.length);
      }
    }
    let start = 0;
    for (let newline = bytes.indexOf(NEWLINE, start); newline >= 0; newline = bytes.indexOf(NEWLINE, start)) {
      if (pendingBytes + newline - start > lineBytesMax) throw tooLong();
      pending.push(bytes.subarray(start, newline));
      bytesRead += newline + 1 - start;
      const line = lineOf(pending, bytesRead);
      pending = [];
      pendingBytes = 0;
      start = newline + 1;
      if (line !== undefined) yield line;
    }
    if (start < bytes.length) {
      pending.push(bytes.subarray(start));
      pendingBytes += bytes.length - start;
      bytesRead += bytes.length - start;
      if (pendingBytes > lineBytesMax) throw tooLong();
    }
  }
  if (pendingBytes > 0) {
    const line = lineOf(pending, bytesRead);
    if (line !== undefined) yield line;
  }
}
