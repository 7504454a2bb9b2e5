// Everything the CLI prints goes through here: results on stdout, diagnostics on stderr. Neither lets a
// control character from a key, a value or a node's message reach the terminal raw.
import { escapeControlCharacters, jsonForTerminal } from './terminal-text';

/** A line of our own text; callers quote what came from users or peers (quoteForTerminal, renderTable). */
export function printLine(text: string): void {
  process.stdout.write(`${text}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${jsonForTerminal(value)}\n`);
}

/** A diagnostic, possibly several lines; each line is escaped, since messages quote keys and peers. */
export function printError(text: string): void {
  process.stderr.write(`swarmkv: ${text.split('\n').map(escapeControlCharacters).join('\n')}\n`);
}
