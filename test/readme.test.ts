// The README's configuration table must say what node/src/config.ts does. (Its variable column, and
// the variables of `swarmkv bootstrap` and `swarmkv up`, are checked beside the rule that names them:
// cli/src/environment-variables.test.ts.)
import { expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configFields } from '../node/src';

test('README configuration table matches configFields', () => {
  const readme = readFileSync(join(import.meta.dir, '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration'));
  const rows = [...section.matchAll(/^\| `(--[a-z-]+)` \| `[A-Z_]+` \| `([^`]*)` \| (.+) \|$/gm)].map((match) => ({ flag: match[1], defaultValue: match[2], meaning: match[3] }));
  expect(rows).toEqual(configFields.map(({ flag, defaultValue, meaning }) => ({ flag, defaultValue, meaning })));
});
