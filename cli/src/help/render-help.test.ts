// Help as a reader meets it, for every command at 80 and 120 columns: a snapshot of the whole text (so
// any change to it shows in review), no line wider than the terminal, and no word broken across lines:
// every word of the help's sources (descriptions, summaries, flags, examples) appears whole.

import { describe, expect, test } from 'bun:test';
import type { ArgsDef, CommandDef } from 'citty';
import { rootCommand } from '../run-cli';
import { commandFacts, subCommandFacts, type CommandFacts } from './command-definition';
import { commandHelpText, rootHelpText } from './render-help';

const WIDTHS = [80, 120] as const;
const subCommands = rootCommand.subCommands as Record<string, CommandDef<ArgsDef>>;
const commandNames = Object.keys(subCommands);
/** Every command by the words that name it, those of a group (`chaos partition`) included. */
const namedCommands = new Map(
  Object.entries(subCommands).flatMap(([name, command]) => [
    [name, command] as const,
    ...Object.entries((command.subCommands ?? {}) as Record<string, CommandDef<ArgsDef>>).map(([sub, subCommand]) => [`${name} ${sub}`, subCommand] as const),
  ]),
);

/** The words the help of one command is made from. */
function sourceWords(facts: CommandFacts): string[] {
  const texts = [
    facts.description,
    ...facts.help.examples,
    ...facts.positionals.map((positional) => positional.description),
    ...facts.options.flatMap((option) => [option.description, ...option.flags]),
  ];
  return texts.flatMap((text) => text.split(/\s+/)).filter((word) => word.length > 0);
}

function checkLayout(text: string, width: number, words: readonly string[]): void {
  const lines = text.split('\n');
  expect(lines.filter((line) => line.length > width)).toEqual([]);
  expect(lines.filter((line) => /\s$/.test(line))).toEqual([]);
  const shown = new Set(text.split(/\s+/));
  expect(words.filter((word) => !shown.has(word))).toEqual([]);
}

describe('swarmkv --help', () => {
  for (const width of WIDTHS) {
    test(`at ${width} columns`, async () => {
      const text = await rootHelpText(rootCommand, width);
      expect(text).toMatchSnapshot();
      const commands = await subCommandFacts(rootCommand);
      checkLayout(text, width, [...sourceWords(await commandFacts('swarmkv', rootCommand)), ...commands.flatMap((command) => [command.name, ...command.help.summary.split(/\s+/)])]);
    });
  }

  test('lists every command, each under a group', async () => {
    const text = await rootHelpText(rootCommand, 80);
    for (const name of commandNames) expect(text).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    expect(text).toMatch(/^Data\n {2}put /m);
    expect(text).toMatch(/^Cluster\n/m);
    expect(text).toMatch(/^Scripting\n {2}run /m);
  });

  test('a command defined without help is listed under Other, summarised from its description', async () => {
    const explain = { meta: { name: 'explain', description: 'Explain where KEY is kept. More words here.\n\nExample: swarmkv explain user:1' }, args: {} };
    const root = { ...rootCommand, subCommands: { ...subCommands, explain } };
    const text = await rootHelpText(root, 80);
    expect(text).toMatch(/^Other\n {2}explain +Explain where KEY is kept$/m);
    expect(await commandHelpText('explain', explain, 80)).toContain('Examples\n  swarmkv explain user:1\n');
  });
});

describe.each([...namedCommands.keys()])('swarmkv %s --help', (name) => {
  for (const width of WIDTHS) {
    test(`at ${width} columns`, async () => {
      const command = namedCommands.get(name)!;
      const text = await commandHelpText(name, command, width);
      expect(text).toMatchSnapshot();
      const facts = await commandFacts(name, command);
      checkLayout(text, width, sourceWords(facts));
      expect(text.startsWith(`usage: swarmkv ${name}`)).toBe(true);
      const collapsed = text.replace(/\s+/g, ' ');
      for (const option of facts.options) {
        if (option.defaultValue !== undefined) expect(collapsed).toContain(`[default: ${option.defaultValue.replace(/\s+/g, ' ')}]`);
        if (option.environmentVariable !== undefined) expect(collapsed).toContain(`[env: ${option.environmentVariable}]`);
      }
      if (facts.help.examples.length > 0) expect(text).toContain(`\nExamples\n  ${facts.help.examples[0]}`);
    });
  }
});
