// Keeps the code's shape honest, in the spirit of TigerBeetle's tidy.zig: imports follow the layering
// table of docs/design.md (read from there, so the rule is written once), the daemon logs only through
// its logger, and files and functions stay small enough to read. `npm run tidy` runs this file alone:
// no build, no root, a few seconds.

import { expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Glob } from 'bun';
import ts from 'typescript';
import { layeringSection, layeringViolations, parseLayers, TEST_FILE_PATTERN } from './support/layering';

const ROOT = join(import.meta.dir, '..');
const DESIGN_DOCUMENT = 'docs/design.md';
const FILE_LINES_MAX = 400;
const FUNCTION_LINES_MAX = 70;
/** The folders whose imports the layering table governs. */
const LAYERED_SOURCES = '{node,cli,test,dashboard,e2e}/**/*.{ts,tsx,mts}';
/** Rules of the design document's layering section that the checks below assume, word for word. */
const RULES_IN_WORDS = [
  'Test files beside the code (`*.test.ts`, `*.node-test.ts`, `*.contract.ts`, `*.test-harness.ts`) may import what their layer may import, past its entry points; no other file imports them.',
  'A type-only import (`import type`, `export type`) is still an import; it is the only kind a "types only" entry allows.',
];

function sourceFiles(pattern: string): string[] {
  return [...new Glob(pattern).scanSync(ROOT)].filter((file) => !file.endsWith('.d.ts') && !file.split('/').includes('node_modules'));
}

const design = readFileSync(join(ROOT, DESIGN_DOCUMENT), 'utf8');
const layers = parseLayers(design);
const daemonFiles = sourceFiles('node/src/**/*.ts');
const productionFiles = [...daemonFiles, ...sourceFiles('cli/src/**/*.ts')].filter((file) => !TEST_FILE_PATTERN.test(file));

test('the tidy checks see the source tree and the layering table', () => {
  expect(daemonFiles.length).toBeGreaterThan(20);
  expect(layers.map((layer) => layer.name)).toEqual(expect.arrayContaining(['leaf', 'transport', 'replication', 'api', 'main', 'public', 'cli', 'test']));
  for (const layer of layers) {
    for (const imported of layer.imports.keys()) expect(layers.map((known) => known.name)).toContain(imported);
  }
  for (const rule of RULES_IN_WORDS) expect(design).toContain(rule);
});

test(`imports follow the layering table of ${DESIGN_DOCUMENT}`, () => {
  expect(layeringViolations(ROOT, sourceFiles(LAYERED_SOURCES), layers)).toEqual([]);
});

test('the layering check catches what it is meant to catch', () => {
  // A rule that passes everything would pass the test above too: check it on a table of its own.
  const table = layeringSection(design);
  expect(table).toContain('`replication` | `node/src/replication/`');
  const sample = ['cli/src/commands/ls.ts', 'node/src/api/kv-routes.ts', 'node/src/index.ts', 'cli/src/commands/node.ts'];
  const stricter = design.replace('| `cli`, `checker`, `public`, `main` (dynamic import only) |', '| `cli` |');
  expect(stricter).not.toBe(design);
  const strict = parseLayers(stricter);
  const found = layeringViolations(ROOT, sample, strict);
  expect(found.some((line) => line.startsWith('cli/src/commands/ls.ts') && line.includes('may not import public'))).toBe(true);
  expect(found.some((line) => line.startsWith('cli/src/commands/node.ts') && line.includes('may not import main'))).toBe(true);
  expect(found.some((line) => line.startsWith('node/src/'))).toBe(false);
});

test('the daemon logs through its logger, never console.*', () => {
  const offenders = daemonFiles
    .filter((file) => !TEST_FILE_PATTERN.test(file))
    .filter((file) => /\bconsole\.(log|info|warn|error|debug)\(/.test(readFileSync(join(ROOT, file), 'utf8')));
  expect(offenders).toEqual([]);
});

test(`source files stay under ${FILE_LINES_MAX} lines`, () => {
  const long = productionFiles
    .map((file) => ({ file, lines: readFileSync(join(ROOT, file), 'utf8').split('\n').length }))
    .filter(({ lines }) => lines > FILE_LINES_MAX)
    .map(({ file, lines }) => `${file}: ${lines} lines`);
  expect(long).toEqual([]);
});

test(`functions stay under ${FUNCTION_LINES_MAX} lines`, () => {
  const long: string[] = [];
  for (const file of productionFiles) {
    const source = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
        const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
        const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;

        if (end - start + 1 > FUNCTION_LINES_MAX) long.push(`${file}:${start + 1} ${end - start + 1} lines`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  expect(long).toEqual([]);
});
