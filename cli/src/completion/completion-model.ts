// What every shell's completion script needs to know, read once from the command definitions: the
// commands with their summaries, and for each command its options, which of them take a value, the
// values they accept, and which name a node (completed from a running node's member list).

import type { ArgsDef, CommandDef } from 'citty';
import { subCommandFacts, type OptionFacts } from '../help/command-definition';

export interface CompletionOption {
  /** `--url`, `-n`, ... */
  readonly flags: readonly string[];
  readonly summary: string;
  readonly takesValue: boolean;
  readonly choices: readonly string[] | undefined;
  readonly namesNode: boolean;
  /** A directory (`--data-dir`), completed from the file system. */
  readonly isDirectory: boolean;
}

export interface CompletionCommand {
  readonly name: string;
  readonly summary: string;
  readonly options: readonly CompletionOption[];
  /** True when it takes a file argument (`run FILE`). */
  readonly takesFile: boolean;
  /** The values its first argument accepts, when they are a fixed set (`completion SHELL`). */
  readonly argumentChoices: readonly string[];
}

/** A menu line is cut at a word after this many characters. */
const SUMMARY_CHARS_MAX = 60;

/** The description up to its first `;`, cut at a word to fit a completion menu. */
function shortSummary(description: string): string {
  const clause = description.split(';')[0]!.replace(/`/g, '').trim();
  if (clause.length <= SUMMARY_CHARS_MAX) return clause;
  return `${clause.slice(0, clause.lastIndexOf(' ', SUMMARY_CHARS_MAX))}…`;
}

export async function completionModel(root: CommandDef<ArgsDef>): Promise<CompletionCommand[]> {
  const commands = await subCommandFacts(root);
  const definitions = (root.subCommands ?? {}) as Record<string, CommandDef<ArgsDef>>;
  return Promise.all(commands.map(async (command) => {
    // A command group (`chaos`, `token`) completes its commands first, then the options of them all.
    const group = definitions[command.name]?.subCommands === undefined ? [] : await subCommandFacts(definitions[command.name]!);
    const options = uniqueByFlags([...command.options, ...group.flatMap((sub) => sub.options)]);
    return {
      name: command.name,
      summary: command.help.summary,
      takesFile: command.positionals.some((positional) => positional.name === 'file'),
      argumentChoices: group.length > 0 ? group.map((sub) => sub.name) : command.positionals.length > 0 ? (command.help.choices?.[command.positionals[0]!.name] ?? []) : [],
      options: [
        ...options.map((option) => ({
          flags: option.flags,
          summary: shortSummary(option.description),
          takesValue: option.takesValue,
          choices: option.choices,
          namesNode: option.namesNode,
          isDirectory: option.name.endsWith('-dir'),
        })),
        { flags: ['-h', '--help'], summary: 'show help', takesValue: false, choices: undefined, namesNode: false, isDirectory: false },
      ],
    };
  }));
}

/** The first option of each set of flags: the commands of a group share --url, --json, ... */
function uniqueByFlags(options: readonly OptionFacts[]): OptionFacts[] {
  const seen = new Set<string>();
  return options.filter((option) => {
    const key = option.flags.join(' ');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Text made safe inside single quotes of any of the three shells. */
export function singleQuoted(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
