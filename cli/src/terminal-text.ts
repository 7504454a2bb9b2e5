// Text on its way to a terminal. Keys, values, member names and log fields come from users and peers:
// a raw ESC or newline in one could move the cursor, recolour the screen or forge a line, so every
// human output shows control characters escaped (`\n`, `\x1b`) instead. Colour is on only for a
// terminal, and never with NO_COLOR set (https://no-color.org).

import { createColors, type Colorette } from 'colorette';

/** C0 controls, DEL and C1 controls (U+0080..U+009F: some terminals read U+009B as ESC [). */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;
const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const escapeOne = (character: string) => NAMED_ESCAPES[character] ?? `\\x${character.charCodeAt(0).toString(16).padStart(2, '0')}`;

/** The text with every control character written as an escape; other text unchanged. */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, escapeOne);
}

/**
 * A key or name as one shell-safe-looking token: unchanged when it holds no control character, else
 * quoted and escaped like git quotes an unusual path (`"a\nb"`), so that it reads as one item.
 */
export function quoteForTerminal(text: string): string {
  CONTROL_CHARACTERS.lastIndex = 0;
  if (!CONTROL_CHARACTERS.test(text)) return text;
  return `"${escapeControlCharacters(text.replace(/["\\]/g, '\\$&'))}"`;
}

/** JSON whose strings keep no control character raw: JSON.stringify leaves DEL and C1 as they are. */
export function jsonForTerminal(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\u009f]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

interface MaybeTerminal {
  readonly isTTY?: boolean;
}

/** True when colour may be used on this stream: a terminal, and NO_COLOR unset or empty. */
export function colourWanted(stream: MaybeTerminal, environment: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && (environment.NO_COLOR ?? '') === '';
}

/** colorette's functions, switched on or off as a whole. */
export function coloursFor(stream: MaybeTerminal, environment: NodeJS.ProcessEnv = process.env): Colorette {
  return createColors({ useColor: colourWanted(stream, environment) });
}

/** Columns of the terminal stdout writes to; 80 when it is not a terminal. */
export function terminalColumns(stream: { readonly columns?: number } = process.stdout): number {
  return stream.columns !== undefined && stream.columns > 0 ? stream.columns : 80;
}
