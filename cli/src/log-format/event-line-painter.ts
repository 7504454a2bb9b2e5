// One event as one terminal line: `12:01:03.412 node-7071   node-7072 is suspect (...)`: the local
// time, dim; the node's name in its own colour, padded so sentences start in one column; WARN or ERROR
// for those levels; the sentence coloured by its tone. Everything that came from a node (names,
// sentences quoting keys or errors) is escaped: no raw control character reaches the terminal. Used by
// the pretty log lines of `node`/`up` and by `swarmkv events`.

import type { Colorette } from 'colorette';
import type { Tone } from '../../../node/src';
import { escapeControlCharacters } from '../terminal-text';

/** Node names are padded to at least this width, so sentences start in one column. */
const NODE_COLUMNS_MIN = 10;

type Paint = (text: string) => string;

export interface PaintedEvent {
  readonly time: unknown;
  readonly node: string;
  readonly level: string;
  /** The sentence (or an event's name and fields), not escaped yet. */
  readonly text: string;
  /** Undefined: the text is an event without a sentence, shown dim. */
  readonly tone: Tone | undefined;
}

function localTime(time: unknown): string {
  const date = new Date(typeof time === 'string' || typeof time === 'number' ? time : Date.now());
  if (Number.isNaN(date.getTime())) return String(time);
  const two = (value: number) => String(value).padStart(2, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

export class EventLinePainter {
  readonly #colours: Colorette;
  readonly #nodePaint = new Map<string, Paint>();
  readonly #palette: Paint[];
  #nodeColumns = NODE_COLUMNS_MIN;

  constructor(colours: Colorette) {
    this.#colours = colours;
    const c = colours;
    this.#palette = [c.cyan, c.magenta, c.blue, c.green, c.yellow, c.cyanBright, c.magentaBright, c.blueBright, c.greenBright, c.yellowBright];
  }

  /** The line, without its newline. */
  line({ time, node, level, text, tone }: PaintedEvent): string {
    const c = this.#colours;
    const name = escapeControlCharacters(node);
    this.#nodeColumns = Math.max(this.#nodeColumns, name.length);
    const levelMark = level === 'warn' || level === 'error' || level === 'fatal' ? `${this.#paintLevel(level)(level.toUpperCase())} ` : '';
    const body = tone === undefined ? c.dim(escapeControlCharacters(text)) : this.#paintTone(tone)(escapeControlCharacters(text));
    return `${c.dim(localTime(time))} ${this.#paintNode(name)(name.padEnd(this.#nodeColumns))}  ${levelMark}${body.trimEnd()}`;
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
