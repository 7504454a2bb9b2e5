// citty's command definitions, read for help and completion: meta and args may be given as values,
// promises or functions; here they are always resolved values, with each option's facts in one place.

import type { ArgDef, ArgsDef, CommandDef, CommandMeta, Resolvable } from 'citty';
import { helpOf, splitExamples, type CommandHelp } from './command-help';
import { ruleVariableFor, withoutVariableSuffix } from './option-environment';

export interface OptionFacts {
  /** citty's key, e.g. `base-port`. */
  readonly name: string;
  readonly flags: readonly string[];
  readonly takesValue: boolean;
  readonly description: string;
  readonly defaultValue: string | undefined;
  readonly environmentVariable: string | undefined;
  readonly choices: readonly string[] | undefined;
  readonly namesNode: boolean;
  /** What help calls the value (citty's `valueHint`: `--during <file>`), when its name would not say. */
  readonly valueHint: string | undefined;
}

export interface PositionalFacts {
  readonly name: string;
  readonly description: string;
  readonly required: boolean;
}

export interface CommandFacts {
  readonly name: string;
  readonly description: string;
  readonly help: CommandHelp;
  readonly positionals: readonly PositionalFacts[];
  readonly options: readonly OptionFacts[];
}

async function resolve<T>(value: Resolvable<T> | undefined): Promise<T | undefined> {
  return typeof value === 'function' ? await (value as () => T | Promise<T>)() : await value;
}

/** The value shown as an option's default: none for an off switch or an empty text. */
function shownDefault(name: string, arg: ArgDef, help: CommandHelp): string | undefined {
  const documented = help.defaults?.[name];
  if (documented !== undefined) return documented;
  if (arg.default === undefined || arg.default === false || arg.default === '') return undefined;
  return String(arg.default);
}

function optionFacts(name: string, arg: ArgDef, help: CommandHelp): OptionFacts {
  const aliases = 'alias' in arg && arg.alias !== undefined ? [arg.alias].flat() : [];
  return {
    name,
    flags: [...aliases.map((alias) => (alias.length === 1 ? `-${alias}` : `--${alias}`)), `--${name}`],
    takesValue: arg.type !== 'boolean',
    description: withoutVariableSuffix(arg.description ?? ''),
    defaultValue: shownDefault(name, arg, help),
    environmentVariable: help.environment?.[name] ?? (help.optionsFromEnvironment === true ? ruleVariableFor(name) : undefined),
    choices: help.choices?.[name] ?? (arg.type === 'enum' ? arg.options : undefined),
    namesNode: help.nodeOptions?.includes(name) ?? false,
    valueHint: 'valueHint' in arg ? arg.valueHint : undefined,
  };
}

export async function commandFacts(name: string, command: CommandDef<ArgsDef>): Promise<CommandFacts> {
  const meta: CommandMeta = (await resolve(command.meta)) ?? {};
  const args: ArgsDef = (await resolve(command.args)) ?? {};
  const help = helpOf(command, meta.description ?? '');
  const entries = Object.entries(args);
  return {
    name,
    description: splitExamples(meta.description ?? '').text,
    help,
    positionals: entries.filter(([, arg]) => arg.type === 'positional').map(([key, arg]) => ({ name: key, description: arg.description ?? '', required: arg.required !== false })),
    options: entries.filter(([, arg]) => arg.type !== 'positional').map(([key, arg]) => optionFacts(key, arg, help)),
  };
}

/** The subcommands of a command, resolved, in definition order (hidden ones left out). */
export async function subCommandFacts(root: CommandDef<ArgsDef>): Promise<CommandFacts[]> {
  const subCommands = (await resolve(root.subCommands)) ?? {};
  const facts: CommandFacts[] = [];
  for (const [name, resolvable] of Object.entries(subCommands)) {
    const command = (await resolve(resolvable)) as CommandDef<ArgsDef>;
    const meta = (await resolve(command.meta)) ?? {};
    if (meta.hidden !== true) facts.push(await commandFacts(name, command));
  }
  return facts;
}
