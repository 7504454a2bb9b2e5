// `swarmkv completion fish`: one `complete` line per command and per option, with descriptions,
// choices, directories, and member URLs (described by their node's name) for options that take a node.

import type { CompletionCommand, CompletionOption } from './completion-model';
import { singleQuoted } from './completion-model';

function optionLine(command: CompletionCommand, option: CompletionOption): string {
  const parts = ['complete -c swarmkv', '-n', singleQuoted(`__fish_seen_subcommand_from ${command.name}`)];
  for (const flag of option.flags) parts.push(flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`);
  if (option.namesNode) parts.push('-x -a', singleQuoted('(__swarmkv_members)'));
  else if (option.choices !== undefined) parts.push('-x -a', singleQuoted(option.choices.join(' ')));
  else if (option.isDirectory) parts.push('-x -a', singleQuoted('(__fish_complete_directories)'));
  else if (option.takesValue) parts.push('-x');
  parts.push('-d', singleQuoted(option.summary));
  return parts.join(' ');
}

function argumentLines(command: CompletionCommand): string[] {
  const condition = singleQuoted(`__fish_seen_subcommand_from ${command.name}`);
  if (command.argumentChoices.length > 0) return [`complete -c swarmkv -n ${condition} -a ${singleQuoted(command.argumentChoices.join(' '))}`];
  if (command.takesFile) return [`complete -c swarmkv -n ${condition} -F`];
  return [];
}

export function fishCompletion(commands: readonly CompletionCommand[]): string {
  const names = commands.map((command) => command.name).join(' ');
  const lines = [
    `# swarmkv completion for fish. Load it with:  swarmkv completion fish | source`,
    '# or save it as ~/.config/fish/completions/swarmkv.fish',
    '',
    '# Member URLs of the node named by --url (or $SWARMKV_URL), each described by its node name.',
    'function __swarmkv_members',
    '    set -l tokens (commandline -opc)',
    '    set -l url',
    '    set -l index (contains -i -- --url $tokens)',
    '    if test -n "$index"',
    '        set url --url $tokens[(math $index + 1)]',
    '    end',
    '    swarmkv completion --members $url 2>/dev/null',
    'end',
    '',
    'complete -c swarmkv -f',
    `complete -c swarmkv -n ${singleQuoted(`not __fish_seen_subcommand_from ${names}`)} -l help -s h -d 'show help'`,
    `complete -c swarmkv -n ${singleQuoted(`not __fish_seen_subcommand_from ${names}`)} -l version -d 'print the version'`,
    ...commands.map((command) => `complete -c swarmkv -n ${singleQuoted(`not __fish_seen_subcommand_from ${names}`)} -a ${command.name} -d ${singleQuoted(command.summary)}`),
    ...commands.flatMap((command) => [...command.options.map((option) => optionLine(command, option)), ...argumentLines(command)]),
  ];
  return `${lines.join('\n')}\n`;
}
