// `swarmkv run FILE`: a script of CLI commands, one per line, for the requirements' "interaction by
// scripts". Lines are split like a shell would split them (quotes, escapes, `#` comments) but nothing is
// expanded or piped: a script is data, not shell code. `sleep DURATION` waits, so a chaos scenario
// (`swarmkv chaos plan`) replays with its timing.

import { defineCommand } from 'citty';
import { readFileSync } from 'node:fs';
import { CliFailure, exitCodes } from '../exit-codes';
import { printError } from '../output';
import { runCli } from '../run-cli';
import { withHelp } from '../help/command-help';
import { parseScript } from './run-script';

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
    let text: string;
    try {
      text = readFileSync(args.file === '-' ? 0 : args.file, 'utf8');
    } catch (error) {
      throw new CliFailure(exitCodes.usage, `cannot read script ${args.file}: ${(error as Error).message}`);
    }
    let firstFailure = 0;
    for (const { lineNumber, argv, sleepMs } of parseScript(text)) {
      if (sleepMs !== undefined) {
        await new Promise((resolve) => setTimeout(resolve, sleepMs));
        continue;
      }
      const lineArgv = args.url !== undefined && !argv.some((arg) => arg === '--url' || arg.startsWith('--url=')) ? [...argv, '--url', args.url] : argv;
      const code = await runCli(lineArgv);
      if (code === exitCodes.ok) continue;
      printError(`line ${lineNumber} failed with exit code ${code}: ${argv.join(' ')}`);
      if (firstFailure === 0) firstFailure = code;
      if (!args['keep-going']) break;
    }
    if (firstFailure !== 0) throw new ScriptFailed(firstFailure);
  },
});

withHelp(runCommand, {
  group: 'scripting',
  summary: 'Run a script of swarmkv commands',
  examples: ['swarmkv run seed.swarmkv --url http://127.0.0.1:7070', "printf 'put a 1\\nsleep 2s\\nget a\\n' | swarmkv run -"],
  nodeOptions: ['url'],
});

/** The script's own outcome: its lines already reported themselves, so this carries only the code. */
export class ScriptFailed extends Error {
  readonly exitCode: number;
  constructor(exitCode: number) {
    super(`script failed with exit code ${exitCode}`);
    this.exitCode = exitCode;
  }
}
