// Where `swarmkv up` writes what its nodes say. Every node logs JSON to up (children always run with
// --log-format json); up passes those lines on whole in JSON format, or, in pretty format, turns them
// into one interleaved human stream, each node's name in its own colour. The bootstrap inside up logs
// to the same sink, so its lines take their place in that stream. A node's stderr is passed on with
// its name, escaped.

import type { Logger, LogLevel } from '../../node/src';
import type { LogFormat } from './log-format/log-format-option';
import { loggerFor, logSink, type LogSink } from './log-format/logger-for';
import { escapeControlCharacters } from './terminal-text';
import { LOG_LEVELS } from './up-plan';

export interface UpOutput {
  /** A whole stdout line of a node (a JSON log line). */
  nodeLine(line: string): void;
  /** A whole stderr line of a node. */
  nodeError(name: string, line: string): void;
  /** The logger of the bootstrap that up runs itself. */
  bootstrapLogger(level: LogLevel): Promise<Logger>;
}

export async function upOutput(format: LogFormat, level: LogLevel): Promise<UpOutput> {
  const sink: LogSink = await logSink(format);
  const shown = shownLevels(level);
  return {
    nodeLine: (line) => {
      if (shown.has(levelOf(line))) sink.write(`${line}\n`);
    },
    nodeError: (name, line) => process.stderr.write(`[${name}] ${escapeControlCharacters(line)}\n`),
    bootstrapLogger: async (level) => (await loggerFor(level, sink)).child({ node: 'bootstrap' }),
  };
}

/** The levels at or above `level`; a line of a level up does not know is shown (unknown is not noise). */
function shownLevels(level: LogLevel): Set<string | undefined> {
  const hidden = LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level));
  return new Set([undefined, ...LOG_LEVELS.filter((known) => !hidden.includes(known))]);
}

/** The `level` of a node's JSON line, which pino writes as `"level":"info"`. */
function levelOf(line: string): string | undefined {
  const match = /"level":"([a-z]+)"/.exec(line);
  const level = match?.[1];
  return level !== undefined && (LOG_LEVELS as readonly string[]).includes(level) ? level : undefined;
}
