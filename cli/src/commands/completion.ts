// `swarmkv completion bash|zsh|fish`: prints a completion script made from the command definitions, so
// a command or option added later completes without touching this. The scripts call
// `swarmkv completion --members` to offer a running cluster's member URLs for options that take a node.

import { defineCommand } from 'citty';
import { bashCompletion } from '../completion/bash-completion';
import { completionModel } from '../completion/completion-model';
import { fishCompletion } from '../completion/fish-completion';
import { memberLines } from '../completion/member-urls';
import { zshCompletion } from '../completion/zsh-completion';
import { CliFailure, exitCodes } from '../exit-codes';
import { withHelp } from '../help/command-help';

const SHELLS = { bash: bashCompletion, zsh: zshCompletion, fish: fishCompletion } as const;
type Shell = keyof typeof SHELLS;

export const completionCommand = withHelp(
  defineCommand({
    meta: {
      name: 'completion',
      description: 'Print a completion script for bash, zsh or fish: commands, options, their values, and the members of a running cluster where an option takes a node.',
    },
    args: {
      shell: { type: 'positional', description: '`bash`, `zsh` or `fish`', required: false },
      members: { type: 'boolean', description: 'print the member URLs of the node at --url instead, one per line with its name (what the scripts call; prints nothing when the node does not answer)', default: false },
      url: { type: 'string', description: 'node URL asked with --members' },
    },
    async run({ args }) {
      if (args.members) return void process.stdout.write(await memberLines(args.url));
      const shell = args.shell;
      if (shell === undefined || !(shell in SHELLS)) throw new CliFailure(exitCodes.usage, `name a shell: ${Object.keys(SHELLS).join(', ')}`);
      // Loaded here: run-cli imports this command, so a static import of the root would be circular.
      const { rootCommand } = await import('../run-cli');
      process.stdout.write(SHELLS[shell as Shell](await completionModel(rootCommand)));
    },
  }),
  {
    group: 'shell',
    summary: 'Print a shell completion script',
    examples: ['source <(swarmkv completion bash)', 'source <(swarmkv completion zsh)', 'swarmkv completion fish | source'],
    defaults: { url: 'http://127.0.0.1:7070' },
    environment: { url: 'SWARMKV_URL' },
    choices: { shell: Object.keys(SHELLS) },
    nodeOptions: ['url'],
  },
);
