// The lines of a `swarmkv run` script: split like a shell would split them (quotes, escapes, `#`
// comments) but nothing expanded or piped. A `sleep DURATION` line is the script's own: it waits.

import { readFileSync } from 'node:fs';
import { parse } from 'shell-quote';
import { CliFailure, exitCodes } from '../exit-codes';
import { quoteForTerminal } from '../terminal-text';
import { parseBoundedDurationMs } from './chaos-duration';

/** Commands that make no sense inside a script: `node` would never return, `run` and `check` (which replays a script) could recurse. */
const NOT_IN_SCRIPTS = new Set(['node', 'run', 'check']);
/** The longest `sleep` a script may ask for: longer is a typo (`sleep 60m` for `60s`), not a plan. */
export const SCRIPT_SLEEP_MS_MAX = 3_600_000;

export interface ScriptLine {
  readonly lineNumber: number;
  readonly argv: string[];
  /** Set on a `sleep DURATION` line: the script waits this long instead of running a command. */
  readonly sleepMs?: number;
}

/** A `sleep` line's wait, checked when the script is read so a bad one fails before any line runs. */
function sleepMsOf(lineNumber: number, argv: readonly string[]): number {
  if (argv.length !== 2) throw new CliFailure(exitCodes.usage, `line ${lineNumber}: sleep takes one duration, such as 500ms, 30s or 2m`);
  try {
    return parseBoundedDurationMs('sleep', argv[1]!, 0, SCRIPT_SLEEP_MS_MAX);
  } catch (error) {
    throw new CliFailure(exitCodes.usage, `line ${lineNumber}: ${(error as Error).message}`);
  }
}

/** Splits a script into command lines; a line that is not plain words is a usage error naming it. */
export function parseScript(text: string): ScriptLine[] {
  const lines: ScriptLine[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const lineNumber = index + 1;
    const argv: string[] = [];
    for (const token of parse(line, (name) => `$${name}`)) {
      if (typeof token === 'string') argv.push(token);
      else if ('comment' in token) break;
      else throw new CliFailure(exitCodes.usage, `line ${lineNumber}: shell operators are not supported in scripts: ${line.trim()}`);
    }
    if (argv.length === 0) return;
    if (NOT_IN_SCRIPTS.has(argv[0]!)) throw new CliFailure(exitCodes.usage, `line ${lineNumber}: "${argv[0]}" cannot run inside a script`);
    lines.push(argv[0] === 'sleep' ? { lineNumber, argv, sleepMs: sleepMsOf(lineNumber, argv) } : { lineNumber, argv });
  });
  return lines;
}

/** The lines of the script at `file` ("-": stdin); one that cannot be read is a usage error naming it. */
export function readScript(file: string): ScriptLine[] {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new CliFailure(exitCodes.usage, `cannot read script ${quoteForTerminal(file)}: ${(error as Error).message}`);
  }
  return parseScript(text);
}
