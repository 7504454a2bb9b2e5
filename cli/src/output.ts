// Everything the CLI prints goes through here: results on stdout, diagnostics on stderr. Neither lets a
// control character from a key, a value or a node's message reach the terminal raw.
import { exitCodes } from './exit-codes';
import { escapeControlCharacters, jsonForTerminal } from './terminal-text';

/**
 * What happens when stdout stops taking output. A reader that went away (`swarmkv ls | head -1`: EPIPE)
 * had what it wanted, so the command ends quietly with 0, as `swarmkv export | head` does; any other
 * failure (a full disk under `> file`) ends it with 5 and says why, rather than with a stack trace.
 */
export function handleStdoutFailures(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(exitCodes.ok);
    printError(`cannot write to stdout: ${error.code ?? error.message}`);
    process.exit(exitCodes.localIo);
  });
}

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

/** Lines for a person beside a command's result (a trace): on stderr, unprefixed, each line escaped. */
export function printNote(text: string): void {
  process.stderr.write(`${text.split('\n').map(escapeControlCharacters).join('\n')}\n`);
}
