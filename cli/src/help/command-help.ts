// What help and completion know about a command beyond citty's definition: its group in the command
// list, a one-line summary, examples, option headings, and the defaults, environment variables and
// values that citty has no field for. It is attached to the command object itself (`withHelp`), so a
// command keeps its help beside its flags; a command without any (one added later, say) still shows
// up, under "Other", summarised from its own description.

/** Groups of the top-level command list, in the order they are shown. */
export const COMMAND_GROUPS = ['data', 'cluster', 'scripting', 'shell', 'other'] as const;
export type CommandGroup = (typeof COMMAND_GROUPS)[number];

export const GROUP_TITLES: Record<CommandGroup, string> = {
  data: 'Data',
  cluster: 'Cluster',
  scripting: 'Scripting',
  shell: 'Shell',
  other: 'Other',
};

export interface OptionSection {
  readonly title: string;
  /** Option names (citty's keys, without dashes). */
  readonly options: readonly string[];
}

export interface CommandHelp {
  readonly group: CommandGroup;
  /** One short line for `swarmkv --help`. */
  readonly summary: string;
  /** Whole command lines, shown last. */
  readonly examples: readonly string[];
  /** Option headings in order; options named in none are listed under "Options", last. */
  readonly sections?: readonly OptionSection[];
  /** Defaults citty does not hold because they are derived (from other flags, or the environment). */
  readonly defaults?: Readonly<Record<string, string>>;
  /** Environment variables an option is read from, beyond the SWARMKV_ rule (see option-environment). */
  readonly environment?: Readonly<Record<string, string>>;
  /** The values an option accepts, for completion. */
  readonly choices?: Readonly<Record<string, readonly string[]>>;
  /** Options whose value names a node, completed from a running node's member list. */
  readonly nodeOptions?: readonly string[];
  /** True for commands whose every option is read from SWARMKV_<OPTION> too (node, up, bootstrap). */
  readonly optionsFromEnvironment?: boolean;
}

const helpByCommand = new WeakMap<object, CommandHelp>();
let root: object | undefined;

/**
 * The top-level command, for code that describes every command (`swarmkv completion`). run-cli sets it;
 * importing run-cli from a command instead would be circular, and a dynamic import of it would make the
 * bundler move run-cli and every command out of dist/swarmkv.mjs into a chunk.
 */
export function setRootCommand(command: object): void {
  root = command;
}

export function rootCommandOf(): object {
  if (root === undefined) throw new Error('the root command is set by run-cli before any command runs');
  return root;
}

/** Attaches help to a command definition and returns the same definition. */
export function withHelp<T extends object>(command: T, help: CommandHelp): T {
  helpByCommand.set(command, help);
  return command;
}

/** A command's help; for a command defined without any, what its description gives. */
export function helpOf(command: object, description: string): CommandHelp {
  const attached = helpByCommand.get(command);
  if (attached !== undefined) return attached;
  const { text, examples } = splitExamples(description);
  return { group: 'other', summary: firstSentence(text), examples };
}

/** A description written the old way, "text\n\nExample: command", split into its text and examples. */
export function splitExamples(description: string): { text: string; examples: string[] } {
  const match = /\n\s*\nExamples?:\s*/.exec(description);
  if (match === null) return { text: description.trim(), examples: [] };
  const examples = description.slice(match.index + match[0].length).split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
  return { text: description.slice(0, match.index).trim(), examples };
}

function firstSentence(text: string): string {
  const end = text.search(/[.;:](\s|$)/);
  return end < 0 ? text : text.slice(0, end);
}
