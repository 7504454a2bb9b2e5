// Pretty log lines: `12:01:03.412 node-7071   node-7072 is suspect (incarnation 3: ...)`. pino-pretty
// parses each JSON line and hands it to our messageFormat, which writes the whole line: local time,
// the node's name in its own colour (so `swarmkv up` can interleave several nodes' events in one
// readable stream), then the event's sentence (node/src/log-text/, which the node's GET /cluster/events
// uses too) or, for an event without one, its
// name and fields. Anything from the log (names, keys, errors) is escaped: no raw control character
// reaches the terminal. A line that is not JSON is passed on, escaped.

import { type Colorette } from 'colorette';
import pinoPretty from 'pino-pretty';
import { escapeControlCharacters } from '../terminal-text';
import { EventDescriber, fieldsText, type LogFields, type Tone } from '../../../node/src';

/** Fields every line carries, shown in the line's frame rather than among its fields. */
const FRAME_FIELDS = new Set(['level', 'time', 'node', 'event']);
/** Node names are padded to at least this width, so sentences start in one column. */
const NODE_COLUMNS_MIN = 10;

type Paint = (text: string) => string;

function localTime(time: unknown): string {
  const date = new Date(typeof time === 'string' || typeof time === 'number' ? time : Date.now());
  if (Number.isNaN(date.getTime())) return String(time);
  const two = (value: number) => String(value).padStart(2, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

export class PrettyLogFormatter {
  readonly #colours: Colorette;
  readonly #describer = new EventDescriber();
  readonly #nodePaint = new Map<string, Paint>();
  readonly #palette: Paint[];
  readonly #prettify: (line: string | object) => string;
  #nodeColumns = NODE_COLUMNS_MIN;
  #parsed = false;

  constructor(colours: Colorette) {
    this.#colours = colours;
    const c = colours;
    this.#palette = [c.cyan, c.magenta, c.blue, c.green, c.yellow, c.cyanBright, c.magentaBright, c.blueBright, c.greenBright, c.yellowBright];
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
    const c = this.#colours;
    const node = escapeControlCharacters(typeof log.node === 'string' ? log.node : '-');
    const event = typeof log.event === 'string' ? log.event : typeof log.msg === 'string' ? log.msg : 'log';
    const fields = Object.fromEntries(Object.entries(log).filter(([key]) => !FRAME_FIELDS.has(key)));
    this.#nodeColumns = Math.max(this.#nodeColumns, node.length);
    const sentence = this.#describer.describe(event, fields, node);
    const level = String(log.level);
    const levelMark = level === 'warn' || level === 'error' || level === 'fatal' ? `${this.#paintLevel(level)(level.toUpperCase())} ` : '';
    const body =
      sentence === undefined
        ? `${escapeControlCharacters(event)} ${c.dim(escapeControlCharacters(fieldsText(fields)))}`
        : this.#paintTone(sentence.tone)(escapeControlCharacters(sentence.text));
    return `${c.dim(localTime(log.time))} ${this.#paintNode(node)(node.padEnd(this.#nodeColumns))}  ${levelMark}${body.trimEnd()}`;
  }

  #paintNode(node: string): Paint {
    let paint = this.#nodePaint.get(node);
    if (paint === undefined) {
      paint = node === 'bootstrap' ? this.#colours.gray : this.#palette[this.#nodePaint.size % this.#palette.length]!;
      this.#nodePaint.set(node, paint);
    }
    return paint;
  }

  #paintLevel(level: string): Paint {
    return level === 'warn' ? this.#colours.yellow : this.#colours.red;
  }

  #paintTone(tone: Tone): Paint {
    const c = this.#colours;
    return { plain: (text: string) => text, good: c.green, doubt: c.yellow, bad: c.red }[tone];
  }
}
