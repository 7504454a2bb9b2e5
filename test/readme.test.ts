// The README's configuration table must say what node/src/config.ts does, and its environment
// section must name the variable of every option of `swarmkv bootstrap` and `swarmkv up`.
import { expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootstrapCommand } from '../cli/src/commands/bootstrap';
import { upCommand } from '../cli/src/commands/up';
import { environmentVariableName } from '../cli/src/environment-variables';
import { configFields } from '../node/src/config';

const readme = readFileSync(join(import.meta.dir, '..', 'README.md'), 'utf8');
const configuration = readme.slice(readme.indexOf('## Configuration'));

test('README configuration table matches configFields, with each flag’s variable', () => {
  const rows = [...configuration.matchAll(/^\| `(--[a-z-]+)` \| `([A-Z_]+)` \| `([^`]*)` \| (.+) \|$/gm)].map((match) => ({
    flag: match[1],
    variable: match[2],
    defaultValue: match[3],
    meaning: match[4],
  }));
  expect(rows).toEqual(configFields.map(({ flag, defaultValue, meaning }) => ({ flag, variable: environmentVariableName(flag), defaultValue, meaning })));
});

test.each([
  ['bootstrap', bootstrapCommand],
  ['up', upCommand],
])('README names the variable of every `swarmkv %s` option', (name, command) => {
  const paragraph = configuration.slice(configuration.indexOf(`\`swarmkv ${name}\`:`)).split(/\n\n|\n(?=`swarmkv )/)[0]!;
  const named = [...paragraph.matchAll(/`(SWARMKV_[A-Z_]+)`/g)].map((match) => match[1]);
  expect(new Set(named)).toEqual(new Set(Object.keys(command.args as object).map(environmentVariableName)));
});
