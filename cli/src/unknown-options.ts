// citty takes any `--name` on a command line, known to the command or not, and the command never looks
// at the ones it does not define: `swarmkv up --sheduling normal` used to start a cluster as if the flag
// had not been typed. A command line whose options its command does not define is a usage error instead,
// found here before the command runs.

import type { ArgsDef } from 'citty';

const toKebab = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
const toCamel = (name: string) => name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

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
    const aliases = 'alias' in def && def.alias !== undefined ? [def.alias].flat() : [];
    for (const spelling of [name, toKebab(name), toCamel(name), ...aliases]) {
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
