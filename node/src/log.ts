// Structured logging: one JSON line per event on stdout, `{"level","time","event",...fields}`.
// Daemon code logs through this interface only (a tidy test forbids console.* in node/src).

import pino from 'pino';

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  /** A logger whose every line also carries these fields (e.g. the node's id). */
  child(fields: LogFields): Logger;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

class PinoLogger implements Logger {
  readonly #pino: pino.Logger;

  constructor(instance: pino.Logger) {
    this.#pino = instance;
  }

  debug(event: string, fields: LogFields = {}): void {
    this.#pino.debug({ event, ...fields });
  }
  info(event: string, fields: LogFields = {}): void {
    this.#pino.info({ event, ...fields });
  }
  warn(event: string, fields: LogFields = {}): void {
    this.#pino.warn({ event, ...fields });
  }
  error(event: string, fields: LogFields = {}): void {
    this.#pino.error({ event, ...fields });
  }
  child(fields: LogFields): Logger {
    return new PinoLogger(this.#pino.child(fields));
  }
}

/** Where log lines go: anything with a synchronous `write(line)`. */
export type LogDestination = pino.DestinationStream;

/**
 * A logger writing JSON lines to stdout synchronously, so the last lines before a crash are not lost.
 * Another destination (the CLI's pretty printer, say) receives the very same JSON lines.
 */
export function createLogger(level: LogLevel, destination: LogDestination = pino.destination({ dest: 1, sync: true })): Logger {
  return new PinoLogger(
    pino(
      {
        level,
        base: undefined,
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
      },
      destination,
    ),
  );
}

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
