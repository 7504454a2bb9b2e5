// `swarmkv run FILE`: a script of CLI commands, one per line, for the requirements' "interaction by
// scripts". Lines are split like a shell would split them (quotes, escapes, `#` comments) but nothing is
// expanded or piped: a script is data, not shell code. `sleep DURATION` waits, so a chaos scenario
// (`swarmkv chaos plan`) replays with its timing.

import { defineCommand } from 'citty';
import { exitCodes, ReportedFailure } from '../exit-codes';
import { printError } from '../output';
import { runCli } from '../run-cli';
import { withHelp } from '../help/command-help';
import { readScript, type ScriptLine } from './run-script';

export const runCommand = defineCommand({
  meta: {
    name: 'run',
    description:
      'Run a script of swarmkv commands, one per line (# starts a comment); a "sleep 30s" line waits (ms, s, m or h). Stops at the first failing line and exits with its code, unless --keep-going. "-" reads the script from stdin.',
  },
  args: {
    file: { type: 'positional', description: 'script file, or - for stdin', required: true },
    'keep-going': { type: 'boolean', description: 'run every line even after a failure; exit with the first failure code', default: false },
    url: { type: 'string', description: 'default --url for every line that does not give one' },
  },
  async run({ args }) {
    const firstFailure = await runScriptLines(readScript(args.file), { defaultUrl: args.url, keepGoing: args['keep-going'] });
    if (firstFailure !== 0) throw new ReportedFailure(firstFailure); // each failing line reported itself
  },
});

withHelp(runCommand, {
  group: 'scripting',
  summary: 'Run a script of swarmkv commands',
  examples: ['swarmkv run seed.swarmkv --url http://127.0.0.1:7070', "printf 'put a 1\\nsleep 2s\\nget a\\n' | swarmkv run -"],
  nodeOptions: ['url'],
});

export interface ScriptOptions {
  /** --url for every line that does not give one. */
  readonly defaultUrl?: string | undefined;
  readonly keepGoing: boolean;
  /** Checked before each line and at the end of each sleep: true ends the script there (`swarmkv check`'s Ctrl-C). */
  readonly stopRequested?: () => boolean;
  /** Resolves when a stop is requested, to cut a sleep short. */
  readonly stopped?: Promise<void>;
}

/** Runs parsed lines in order (each reports itself); resolves with the first failing line's exit code, 0 if none. */
export async function runScriptLines(lines: readonly ScriptLine[], options: ScriptOptions): Promise<number> {
  let firstFailure = 0;
  for (const { lineNumber, argv, sleepMs } of lines) {
    if (options.stopRequested?.() === true) break;
    if (sleepMs !== undefined) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, sleepMs))), ...(options.stopped === undefined ? [] : [options.stopped])]);
      clearTimeout(timer);
      continue;
    }
    const lineArgv = options.defaultUrl !== undefined && !argv.some((arg) => arg === '--url' || arg.startsWith('--url=')) ? [...argv, '--url', options.defaultUrl] : argv;
    const code = await runCli(lineArgv);
    if (code === exitCodes.ok) continue;
    printError(`line ${lineNumber} failed with exit code ${code}: ${argv.join(' ')}`);
    if (firstFailure === 0) firstFailure = code;
    if (!options.keepGoing) break;
  }
  return firstFailure;
}
