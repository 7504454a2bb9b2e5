// Pretty log lines: `12:01:03.412 node-7071   node-7072 is suspect (incarnation 3: ...)`. pino-pretty
// parses each JSON line and hands it to our messageFormat, which writes the whole line
// (event-line-painter.ts): local time, the node's name in its own colour (so `swarmkv up` can
// interleave several nodes' events in one readable stream), then the event's sentence
// (node/src/log-text/, which the node's GET /cluster/events uses too) or, for an event without one,
// its name and fields. A line that is not JSON is passed on, escaped.

import { type Colorette } from 'colorette';
import pinoPretty from 'pino-pretty';
import { escapeControlCharacters } from '../terminal-text';
import { EventDescriber, fieldsText, type LogFields } from '../../../node/src';
import { EventLinePainter } from './event-line-painter';

/** Fields every line carries, shown in the line's frame rather than among its fields. */
const FRAME_FIELDS = new Set(['level', 'time', 'node', 'event']);

export class PrettyLogFormatter {
  readonly #describer = new EventDescriber();
  readonly #painter: EventLinePainter;
  readonly #prettify: (line: string | object) => string;
  #parsed = false;

  constructor(colours: Colorette) {
    this.#painter = new EventLinePainter(colours);
    this.#prettify = pinoPretty.prettyFactory({
      colorize: false,
      hideObject: true,
      // Everything is in our message; pino-pretty would otherwise add the name, pid and host itself.
      ignore: 'level,time,pid,hostname,name,caller',
      messageFormat: (log) => {
        this.#parsed = true;
        return this.#lineOf(log);
      },
    });
  }

  /** One log line (JSON text, or a record) as one pretty line, newline included. */
  format(line: string | object): string {
    this.#parsed = false;
    const pretty = this.#prettify(line);
    return this.#parsed ? pretty : `${escapeControlCharacters(String(line))}\n`;
  }

  #lineOf(log: LogFields): string {
    const node = typeof log.node === 'string' ? log.node : '-';
    const event = typeof log.event === 'string' ? log.event : typeof log.msg === 'string' ? log.msg : 'log';
    const fields = Object.fromEntries(Object.entries(log).filter(([key]) => !FRAME_FIELDS.has(key)));
    const sentence = this.#describer.describe(event, fields, node);
    const words = sentence ?? { text: `${event} ${fieldsText(fields)}`, tone: undefined };
    return this.#painter.line({ time: log.time, node, level: String(log.level), ...words });
  }
}
