import { describe, expect, test } from 'bun:test';
import { colourWanted, escapeControlCharacters, jsonForTerminal, quoteForTerminal, terminalColumns } from './terminal-text';

describe('terminal text', () => {
  test('control characters are escaped, other text is not', () => {
    expect(escapeControlCharacters('a\nb\tc\u001b[31md\u007f\u009b é')).toBe('a\\nb\\tc\\x1b[31md\\x7f\\x9b é');
  });

  test('a key with a control character is quoted like git quotes a path; others are left alone', () => {
    expect(quoteForTerminal('user:1')).toBe('user:1');
    expect(quoteForTerminal('a"b\\c')).toBe('a"b\\c');
    expect(quoteForTerminal('a\n"b"')).toBe('"a\\n\\"b\\""');
  });

  test('JSON keeps no raw DEL or C1 control, and still parses to the same value', () => {
    const value = { text: 'x\u007f\u009b\u001by' };
    const json = jsonForTerminal(value);
    expect(json).toBe('{"text":"x\\u007f\\u009b\\u001by"}');
    expect(JSON.parse(json)).toEqual(value);
  });

  test('colour needs a terminal and no NO_COLOR', () => {
    expect(colourWanted({ isTTY: true }, {})).toBe(true);
    expect(colourWanted({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourWanted({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colourWanted({ isTTY: false }, {})).toBe(false);
    expect(colourWanted({}, {})).toBe(false);
  });

  test('80 columns when stdout is not a terminal', () => {
    expect(terminalColumns({})).toBe(80);
    expect(terminalColumns({ columns: 132 })).toBe(132);
  });
});
