// `swarmkv completion bash`. Words are taken from the command line up to the cursor rather than from
// COMP_WORDS, which bash splits at every `:` (a URL would come apart). Candidates from a node's member
// list are matched in shell code, never passed through `compgen -W`, which would expand them.

import type { CompletionCommand } from './completion-model';
import { singleQuoted } from './completion-model';

function caseArm(pattern: string, body: string): string {
  return `    ${pattern}) ${body} ;;`;
}

/** The case arms for `<command> <option>` pairs whose value is completed specially. */
function valueArms(commands: readonly CompletionCommand[]): string[] {
  return commands.flatMap((command) =>
    command.options.flatMap((option) => {
      const pattern = option.flags.map((flag) => singleQuoted(`${command.name} ${flag}`)).join('|');
      if (option.namesNode) return [caseArm(pattern, '_swarmkv_members "$cur"; return')];
      if (option.choices !== undefined) return [caseArm(pattern, `COMPREPLY=($(compgen -W ${singleQuoted(option.choices.join(' '))} -- "$cur")); return`)];
      if (option.isDirectory) return [caseArm(pattern, 'COMPREPLY=($(compgen -d -- "$cur")); return')];
      if (option.takesValue) return [caseArm(pattern, 'return')];
      return [];
    }),
  );
}

export function bashCompletion(commands: readonly CompletionCommand[]): string {
  const names = commands.map((command) => command.name).join(' ');
  const optionArms = commands.map((command) => caseArm(singleQuoted(command.name), `opts=${singleQuoted(command.options.flatMap((option) => option.flags).join(' '))}; words=${singleQuoted(command.argumentChoices.join(' '))}`));
  return `# swarmkv completion for bash. Load it with:  source <(swarmkv completion bash)
# or save it as ~/.local/share/bash-completion/completions/swarmkv

# Member URLs of the node named by --url (or $SWARMKV_URL) that start with $1.
_swarmkv_members() {
  local url="" i line
  for ((i = 0; i < \${#_swarmkv_words[@]}; i++)); do
    [[ \${_swarmkv_words[i]} == --url ]] && url=\${_swarmkv_words[i + 1]}
    [[ \${_swarmkv_words[i]} == --url=* ]] && url=\${_swarmkv_words[i]#--url=}
  done
  while IFS=$'\\t' read -r line _; do
    [[ $line == "$1"* ]] && COMPREPLY+=("$line")
  done < <(swarmkv completion --members \${url:+--url "$url"} 2>/dev/null)
  # bash splits words at ':' (COMP_WORDBREAKS): offer only what follows the last one in the word.
  if [[ $1 == *:* && $COMP_WORDBREAKS == *:* ]]; then
    local prefix=\${1%"\${1##*:}"}
    for i in "\${!COMPREPLY[@]}"; do COMPREPLY[i]=\${COMPREPLY[i]#"$prefix"}; done
  fi
}

_swarmkv() {
  local line=\${COMP_LINE:0:COMP_POINT} cur prev command opts="" words=""
  local -a _swarmkv_words
  read -r -a _swarmkv_words <<< "$line"
  if [[ $line == *[[:space:]] ]]; then cur=""; else cur=\${_swarmkv_words[-1]}; unset '_swarmkv_words[-1]'; fi
  prev=\${_swarmkv_words[-1]}
  COMPREPLY=()
  if ((\${#_swarmkv_words[@]} <= 1)); then
    COMPREPLY=($(compgen -W ${singleQuoted(`${names} --help --version`)} -- "$cur"))
    return
  fi
  command=\${_swarmkv_words[1]}
  case "$command $prev" in
${valueArms(commands).join('\n')}
  esac
  case "$command" in
${optionArms.join('\n')}
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  elif [[ -n $words ]]; then
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}

complete -o default -F _swarmkv swarmkv
`;
}
