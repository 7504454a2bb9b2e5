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

/** Events kept for GET /cluster/events: the last this many, oldest dropped first. */
export const RECENT_EVENTS_MAX = 1000;
/** A kept event's fields beyond this (a long stack trace, say) are replaced by a note saying so. */
export const RECENT_EVENT_FIELDS_BYTES_MAX = 4096;
/** A kept event's sentence is cut to this many characters (an error's first line can be long). */
export const RECENT_EVENT_TEXT_CHARS_MAX = 500;
/** Debug events (per connection attempt) are too frequent to keep; info and above are kept. */
const RECENT_LEVELS = new Set<string>(['info', 'warn', 'error']);

/** An event in words, as people read it: its sentence, how it reads (calm, good news, doubtful, bad), and what it is about. */
export interface EventWording {
  readonly text: string;
  readonly tone: 'plain' | 'good' | 'doubt' | 'bad';
  /** One of log-text's EVENT_TOPICS (membership, ring, replication, chaos, transport, node). */
  readonly topic: string;
}

/** Wording for a node without sentences: the event's name, and the first word of it as its topic. */
const PLAIN_WORDS: EventWords = (event) => ({ text: event, tone: 'plain', topic: event.split('.', 1)[0]! });

/** Words for each kept event (node/src/log-text/, wired by the composition root); called in log order. */
export type EventWords = (event: string, fields: LogFields) => EventWording;

export interface RecentPage {
  /** Each event as JSON text `{"seq","time","event","level","text","tone","topic","fields"}`, ascending by seq. */
  readonly events: string[];
  /** The seq to pass as `after` next time: the last returned, or `after` itself when none were. */
  readonly next: number;
}

/**
 * This node's recent log events in memory, for the dashboard's timeline: a ring of the last
 * RECENT_EVENTS_MAX, each serialised once when logged (and so cheap to page through), numbered by a
 * sequence that survives the ring wrapping, so a poller asks for what came after the last it saw.
 */
export class RecentEvents {
  readonly #kept: string[] = new Array<string>(RECENT_EVENTS_MAX);
  readonly #nowMs: () => number;
  readonly #words: EventWords;
  /** When this buffer, and so this life of the process, began: a poller sees a restart by its change. */
  readonly startedAt: string;
  #lastSeq = 0;

  /** Without `words`, an event's text is its name. */
  constructor(nowMs: () => number, words: EventWords = PLAIN_WORDS) {
    this.#nowMs = nowMs;
    this.#words = words;
    this.startedAt = new Date(nowMs()).toISOString();
  }

  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Whether events of this level are kept (checked first, so a debug event costs no copy). */
  keeps(level: string): boolean {
    return RECENT_LEVELS.has(level);
  }

  record(level: string, event: string, fields: LogFields): void {
    if (!this.keeps(level)) return;
    let fieldsJson = JSON.stringify(fields) ?? '{}';
    if (fieldsJson.length > RECENT_EVENT_FIELDS_BYTES_MAX) fieldsJson = JSON.stringify({ truncated: `fields over ${RECENT_EVENT_FIELDS_BYTES_MAX} bytes; see the log` });
    const { text, tone, topic } = this.#words(event, fields);
    const seq = ++this.#lastSeq;
    const time = new Date(this.#nowMs()).toISOString();
    const said = JSON.stringify(text.length > RECENT_EVENT_TEXT_CHARS_MAX ? `${text.slice(0, RECENT_EVENT_TEXT_CHARS_MAX - 1)}…` : text);
    this.#kept[seq % RECENT_EVENTS_MAX] = `{"seq":${seq},"time":"${time}","event":${JSON.stringify(event)},"level":"${level}","text":${said},"tone":"${tone}","topic":${JSON.stringify(topic)},"fields":${fieldsJson}}`;
  }

  /** Up to `limit` events with seq > `after`, oldest first; events already dropped from the ring are skipped. */
  after(after: number, limit: number): RecentPage {
    const first = Math.max(after + 1, this.#lastSeq - RECENT_EVENTS_MAX + 1, 1);
    const last = Math.min(this.#lastSeq, first + limit - 1);
    const events: string[] = [];
    for (let seq = first; seq <= last; seq++) events.push(this.#kept[seq % RECENT_EVENTS_MAX]!);
    return { events, next: events.length === 0 ? Math.min(after, this.#lastSeq) : last };
  }
}

/** A logger that also keeps every event it logs (and its children log) in `recent`; output is unchanged. */
export function recordingLogger(inner: Logger, recent: RecentEvents, bindings: LogFields = {}): Logger {
  const tee = (level: 'debug' | 'info' | 'warn' | 'error') => (event: string, fields: LogFields = {}) => {
    inner[level](event, fields);
    if (recent.keeps(level)) recent.record(level, event, { ...bindings, ...fields });
  };
  return {
    debug: tee('debug'),
    info: tee('info'),
    warn: tee('warn'),
    error: tee('error'),
    child: (fields) => recordingLogger(inner.child(fields), recent, { ...bindings, ...fields }),
  };
}
