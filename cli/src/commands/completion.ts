// `swarmkv completion bash|zsh|fish`: prints a completion script made from the command definitions, so
// a command or option added later completes without touching this. The scripts call
// `swarmkv completion --members` to offer a running cluster's member URLs for options that take a node.

import { defineCommand, type ArgsDef, type CommandDef } from 'citty';
import type { CompletionCommand } from '../completion/completion-model';
import { CliFailure, exitCodes } from '../exit-codes';
import { rootCommandOf, withHelp } from '../help/command-help';

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

/** The script generator of a shell, loaded when asked for: other commands never load any. */
async function scriptFor(shell: Shell): Promise<(commands: readonly CompletionCommand[]) => string> {
  if (shell === 'bash') return (await import('../completion/bash-completion')).bashCompletion;
  if (shell === 'zsh') return (await import('../completion/zsh-completion')).zshCompletion;
  return (await import('../completion/fish-completion')).fishCompletion;
}

export const completionCommand = defineCommand({
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
    if (args.members) return void process.stdout.write(await (await import('../completion/member-urls')).memberLines(args.url));
    const shell = SHELLS.find((name) => name === args.shell);
    if (shell === undefined) throw new CliFailure(exitCodes.usage, `name a shell: ${SHELLS.join(', ')}`);
    const { completionModel } = await import('../completion/completion-model');
    process.stdout.write((await scriptFor(shell))(await completionModel(rootCommandOf() as CommandDef<ArgsDef>)));
  },
});

withHelp(completionCommand, {
  group: 'shell',
  summary: 'Print a shell completion script',
  examples: ['source <(swarmkv completion bash)', 'source <(swarmkv completion zsh)', 'swarmkv completion fish | source'],
  defaults: { url: 'http://127.0.0.1:7070' },
  environment: { url: 'SWARMKV_URL' },
  choices: { shell: SHELLS },
  nodeOptions: ['url'],
});
