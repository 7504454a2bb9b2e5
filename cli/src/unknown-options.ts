// citty takes any `--name` on a command line, known to the command or not, and the command never looks
// at the ones it does not define: `swarmkv up --sheduling normal` used to start a cluster as if the flag
// had not been typed. A command line whose options its command does not define is a usage error instead,
// found here before the command runs. So are words beyond the command's arguments: citty drops them
// too, and `swarmkv leave node-7073`, before leave took a member, made the node at --url leave.

import type { ArgsDef } from 'citty';

const toKebab = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
const toCamel = (name: string) => name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** Every way citty accepts an option's name: as defined, kebab-case, camelCase, and its aliases. */
function spellingsOf(name: string, def: ArgsDef[string]): string[] {
  const aliases = 'alias' in def && def.alias !== undefined ? [def.alias].flat() : [];
  return [name, toKebab(name), toCamel(name), ...aliases];
}

/**
 * The options in `rawArgs` that `argsDef` does not define, as typed (`--name`, `--name=value`, `-x`).
 * Also accepted, as citty accepts them: either spelling of a name (`--base-port`, `--basePort`), an
 * alias, and `--no-name` for a boolean. Nothing after `--` is an option, nor is a negative number.
 */
export function unknownOptions(rawArgs: readonly string[], argsDef: ArgsDef): string[] {
  const known = new Set<string>();
  const booleans = new Set<string>();
  for (const [name, def] of Object.entries(argsDef)) {
    if (def.type === 'positional') continue;
    for (const spelling of spellingsOf(name, def)) {
      known.add(spelling);
      if (def.type === 'boolean') booleans.add(spelling);
    }
  }
  const unknown: string[] = [];
  for (const arg of rawArgs) {
    if (arg === '--') break;
    const long = /^--([^=]+)/.exec(arg);
    const short = /^-([A-Za-z])/.exec(arg);
    const name = long?.[1] ?? short?.[1];
    if (name === undefined || known.has(name)) continue;
    if (long !== null && name.startsWith('no-') && booleans.has(name.slice(3))) continue;
    unknown.push(long !== null ? `--${name}` : `-${name}`);
  }
  return unknown;
}

/**
 * The words of `rawArgs` beyond the command's path (`commandWords`, e.g. `chaos pause`) and its defined
 * positional arguments: each option's value is skipped (a string option's next word, unless written
 * `--name=value`), everything after `--` counts.
 */
export function surplusArguments(rawArgs: readonly string[], commandWords: number, argsDef: ArgsDef): string[] {
  const takesValue = new Set<string>();
  let positionals = 0;
  for (const [name, def] of Object.entries(argsDef)) {
    if (def.type === 'positional') positionals += 1;
    if (def.type === 'boolean' || def.type === 'positional') continue;
    for (const spelling of spellingsOf(name, def)) takesValue.add(spelling);
  }
  const words: string[] = [];
  for (let index = 0; index < rawArgs.length; index++) {
    const arg = rawArgs[index]!;
    if (arg === '--') {
      words.push(...rawArgs.slice(index + 1));
      break;
    }
    const option = /^--?([A-Za-z][^=]*)(=?)/.exec(arg);
    if (option === null) words.push(arg);
    else if (option[2] === '' && takesValue.has(option[1]!)) index += 1;
  }
  return words.slice(commandWords + positionals);
}
