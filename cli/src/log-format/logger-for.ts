// Where node, bootstrap and up write their log lines, in the chosen format. JSON lines go to stdout
// exactly as the daemon writes them; pretty lines are made from those same JSON lines. Both are written
// synchronously, so the last events before a crash are not lost.

import type { Logger, LogLevel } from '../../../node/src';
import { coloursFor } from '../terminal-text';
import type { LogFormat } from './log-format-option';

/** Takes whole JSON log lines (newline included) and writes them to stdout in its format. */
export interface LogSink {
  write(line: string): void;
}

export async function logSink(format: LogFormat): Promise<LogSink> {
  const { default: pino } = await import('pino');
  const stdout = pino.destination({ dest: 1, sync: true });
  if (format === 'json') return stdout;
  const { PrettyLogFormatter } = await import('./pretty-log-formatter');
  const formatter = new PrettyLogFormatter(coloursFor(process.stdout));
  return { write: (line: string) => void stdout.write(formatter.format(line.replace(/\n$/, ''))) };
}

/** The daemon's logger, writing to `sink`. */
export async function loggerFor(level: LogLevel, sink: LogSink): Promise<Logger> {
  const { createLogger } = await import('../../../node/src/daemon');
  return createLogger(level, sink);
}
