// `swarmkv completion zsh`: one _arguments spec per command, with each option's description, choices,
// directories, and member URLs (named by their node) for options that take a node.

import type { CompletionCommand, CompletionOption } from './completion-model';
import { singleQuoted } from './completion-model';

/** Text inside an _arguments `[...]` or after a _describe colon: no brackets, colons or backslashes. */
const plain = (text: string) => text.replace(/[[\]:\\]/g, ' ').replace(/\s+/g, ' ').trim();

function valueAction(option: CompletionOption): string {
  if (option.namesNode) return ':node URL:_swarmkv_members';
  if (option.choices !== undefined) return `:value:(${option.choices.join(' ')})`;
  if (option.isDirectory) return ':directory:_files -/';
  return option.takesValue ? ': : ' : '';
}

function optionSpecs(option: CompletionOption): string[] {
  const description = `[${plain(option.summary)}]${valueAction(option)}`;
  if (option.flags.length === 1) return [singleQuoted(`${option.flags[0]}${description}`)];
  const exclusive = `(${option.flags.join(' ')})`;
  return option.flags.map((flag) => singleQuoted(`${exclusive}${flag}${description}`));
}

function argumentSpec(command: CompletionCommand): string[] {
  if (command.argumentChoices.length > 0) return [singleQuoted(`1:argument:(${command.argumentChoices.join(' ')})`)];
  if (command.takesFile) return [singleQuoted('1:file:_files')];
  return [];
}

function commandArm(command: CompletionCommand): string {
  const specs = [...command.options.flatMap(optionSpecs), ...argumentSpec(command)];
  return `    (${command.name}) _arguments -s \\\n        ${specs.join(' \\\n        ')} ;;`;
}

export function zshCompletion(commands: readonly CompletionCommand[]): string {
  const described = commands.map((command) => singleQuoted(`${command.name}:${plain(command.summary)}`)).join(' ');
  return `#compdef swarmkv
# swarmkv completion for zsh. Load it with:  source <(swarmkv completion zsh)
# or save it as _swarmkv in a directory of $fpath (before compinit runs).

# Member URLs of the node named by --url (or $SWARMKV_URL), each described by its node's name.
_swarmkv_members() {
  local url=\${opt_args[--url]} line
  local -a members
  for line in \${(f)"$(swarmkv completion --members \${url:+--url "$url"} 2>/dev/null)"}; do
    members+=("\${\${line%%$'\\t'*}//:/\\\\:}:\${line#*$'\\t'}")
  done
  _describe -t members 'member' members
}

_swarmkv() {
  local -a commands
  commands=(${described})
  if (( CURRENT == 2 )); then
    _describe -t commands 'swarmkv command' commands
    return
  fi
  local command=\${words[2]}
  words=("\${words[1]}" "\${(@)words[3,-1]}")
  (( CURRENT-- ))
  case $command in
${commands.map(commandArm).join('\n')}
  esac
}

if [[ \${zsh_eval_context[-1]} == loadautoload ]]; then
  _swarmkv "$@"
else
  compdef _swarmkv swarmkv
fi
`;
}
