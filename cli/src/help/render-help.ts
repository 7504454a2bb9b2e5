// `swarmkv --help` and `swarmkv <command> --help`, rendered from citty's command definitions and the
// help attached to them, in the manner of git and gh: a usage line, the commands grouped with one line
// each, options under headings with their defaults and environment variables, examples last.

import type { ArgsDef, CommandDef } from 'citty';
import { COMMAND_GROUPS, GROUP_TITLES } from './command-help';
import { commandFacts, subCommandFacts, type CommandFacts, type OptionFacts } from './command-definition';
import { INDENT, renderRows, section, termColumnsFor, wrapParagraphs, type Row } from './help-layout';

const HELP_OPTION: Row = { term: '-h, --help', description: 'show this help' };

/** The help of `swarmkv` itself, `width` columns wide. */
export async function rootHelpText(root: CommandDef<ArgsDef>, width: number): Promise<string> {
  const rootFacts = await commandFacts('swarmkv', root);
  const commands = await subCommandFacts(root);
  const rowOf = (command: CommandFacts): Row => ({ term: command.name, description: command.help.summary });
  const termColumns = termColumnsFor(commands.map(rowOf), width);
  const groups = COMMAND_GROUPS.flatMap((group) => {
    const members = commands.filter((command) => command.help.group === group);
    return section(GROUP_TITLES[group], renderRows(members.map(rowOf), width, termColumns));
  });
  const lines = [
    'usage: swarmkv <command> [<args>] [options]',
    '',
    ...wrapParagraphs(rootFacts.description, width),
    '',
    ...groups,
    ...section('Options', renderRows([HELP_OPTION, { term: '--version', description: 'print the version' }], width)),
    ...examplesSection(rootFacts, width),
    ...wrapParagraphs("Run 'swarmkv <command> --help' for a command's options and examples. The configuration, the API and how the cluster works are in docs/configuration.md, docs/api.md and docs/design.md.", width),
  ];
  return `${lines.join('\n')}\n`;
}

/** The help of one subcommand, `width` columns wide. */
export async function commandHelpText(name: string, command: CommandDef<ArgsDef>, width: number): Promise<string> {
  const facts = await commandFacts(name, command);
  // A command group (`token`, `chaos`) lists its commands, each with its summary.
  const commands = command.subCommands === undefined ? [] : await subCommandFacts(command);
  const positionals = [...(commands.length > 0 ? ['<command>'] : []), ...facts.positionals.map((positional) => (positional.required ? `<${positional.name}>` : `[<${positional.name}>]`))];
  const lines = [
    ...wrapParagraphs(['usage: swarmkv', name, ...positionals, facts.options.length > 0 ? '[options]' : ''].filter((part) => part.length > 0).join(' '), width),
    '',
    ...wrapParagraphs(facts.description, width),
    '',
    ...section('Commands', renderRows(commands.map((sub) => ({ term: sub.name, description: sub.help.summary })), width)),
    ...section('Arguments', renderRows(facts.positionals.map((positional) => ({ term: `<${positional.name}>`, description: positional.description })), width)),
    ...optionSections(facts, width),
    ...examplesSection(facts, width),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Options under their headings; those in no heading, and --help, under "Options" last. */
function optionSections(facts: CommandFacts, width: number): string[] {
  const byName = new Map(facts.options.map((option) => [option.name, option]));
  const placed = new Set<string>();
  const sections: { title: string; rows: Row[] }[] = [];
  for (const { title, options } of facts.help.sections ?? []) {
    const present = options.filter((name) => byName.has(name) && !placed.has(name));
    present.forEach((name) => placed.add(name));
    sections.push({ title, rows: present.map((name) => optionRow(byName.get(name)!)) });
  }
  const rest = facts.options.filter((option) => !placed.has(option.name)).map(optionRow);
  sections.push({ title: placed.size > 0 ? 'Other options' : 'Options', rows: [...rest, HELP_OPTION] });
  const termColumns = termColumnsFor(sections.flatMap((entry) => entry.rows), width);
  return sections.flatMap(({ title, rows }) => section(title, renderRows(rows, width, termColumns)));
}

/** Choices longer than this are named by a placeholder instead of listed in the term. */
const CHOICES_IN_TERM_CHARS_MAX = 24;
/** A no-break space: a note's label stays on the line of its value. */
const NO_BREAK = '\u00a0';

/** What an option's value is called in its term: its hint, its choices, a unit, or its own name. */
function placeholderOf(option: OptionFacts): string {
  if (option.valueHint !== undefined) return option.valueHint;
  const choices = option.choices?.join('|');
  if (choices !== undefined && choices.length <= CHOICES_IN_TERM_CHARS_MAX) return choices;
  if (option.name.endsWith('-ms')) return 'ms';
  if (option.name.endsWith('bytes-max')) return 'bytes';
  if (option.name.endsWith('-max')) return 'n';
  return option.name;
}

function optionRow(option: OptionFacts): Row {
  const value = option.takesValue ? ` <${placeholderOf(option)}>` : '';
  const notes = [
    option.defaultValue !== undefined ? `[default:${NO_BREAK}${option.defaultValue}]` : '',
    option.environmentVariable !== undefined ? `[env:${NO_BREAK}${option.environmentVariable}]` : '',
  ].filter((note) => note.length > 0);
  return { term: `${option.flags.join(', ')}${value}`, description: [option.description, ...notes].filter((part) => part.length > 0).join(' ') };
}

function examplesSection(facts: CommandFacts, width: number): string[] {
  return section('Examples', facts.help.examples.flatMap((example) => wrapParagraphs(example, width, INDENT)));
}
