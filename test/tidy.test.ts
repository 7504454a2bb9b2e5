// Keeps the code's shape honest, in the spirit of TigerBeetle's tidy.zig: layers import one way and
// only through each other's index.ts, the daemon logs only through its logger, and files and functions
// stay small enough to read.

import { expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { Glob } from 'bun';
import ts from 'typescript';

const ROOT = join(import.meta.dir, '..');
const FILE_LINES_MAX = 400;
const FUNCTION_LINES_MAX = 70;

/** Which layers each layer of node/src may import. Leaves import nothing of ours but other leaves. */
const LEAVES = ['limits', 'errors', 'assert', 'clock', 'log', 'keys', 'config'];
const ALLOWED_IMPORTS: Record<string, string[]> = {
  version: [],
  storage: [],
  wire: [],
  transport: ['wire'],
  ring: ['version'],
  membership: ['transport', 'wire'],
  replication: ['storage', 'version', 'ring', 'membership', 'transport', 'wire'],
  api: ['replication', 'storage', 'version', 'membership', 'ring'],
  main: ['api', 'replication', 'storage', 'version', 'ring', 'membership', 'transport', 'wire'],
};

function sourceFiles(pattern: string): string[] {
  return [...new Glob(pattern).scanSync(ROOT)].filter((file) => !file.endsWith('.d.ts'));
}

const daemonFiles = sourceFiles('node/src/**/*.ts');

test('the tidy checks see the source tree', () => {
  expect(daemonFiles.length).toBeGreaterThan(20);
});
const productionFiles = [...daemonFiles, ...sourceFiles('cli/src/**/*.ts')].filter((file) => !/\.(test|node-test|contract)\.ts$/.test(file));

/** The layer a node/src file belongs to: its top folder, or its file name for a top-level file. */
function layerOf(file: string): string {
  const parts = relative('node/src', file).split('/');
  if (parts.length > 1) return parts[0]!;
  // The composition root may span several files (main.ts, main-cluster.ts): all of them are `main`.
  const name = parts[0]!.replace(/\.ts$/, '');
  return /^main(-[a-z]+)*$/.test(name) ? 'main' : name;
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((match) => match[1]!);
}

test('layers of the daemon import one way, through index.ts', () => {
  const violations: string[] = [];
  for (const file of daemonFiles.filter((candidate) => !/\.(test|node-test|contract)\.ts$/.test(candidate))) {
    const from = layerOf(file);
    for (const specifier of importsOf(file).filter((spec) => spec.startsWith('.'))) {
      const target = relative('node/src', join(dirname(file), specifier));
      if (target.startsWith('..')) {
        if (!(from === 'main' && target === '../../package.json')) violations.push(`${file}: imports ${specifier} from outside node/src`);
        continue;
      }
      const to = layerOf(`node/src/${target}`);
      if (to === from || LEAVES.includes(to)) continue;
      if (!(ALLOWED_IMPORTS[from] ?? []).includes(to)) violations.push(`${file}: layer ${from} may not import ${to}`);
      else if (target.includes('/') && !/^[^/]+\/index$/.test(target) && from !== 'main') violations.push(`${file}: reaches into ${target} instead of ${to}/index.ts`);
    }
    if (LEAVES.includes(from)) {
      for (const specifier of importsOf(file).filter((spec) => spec.startsWith('./') && spec.includes('/', 2))) {
        violations.push(`${file}: a leaf module imports ${specifier}`);
      }
    }
  }
  expect(violations).toEqual([]);
});

test('the daemon logs through its logger, never console.*', () => {
  const offenders = daemonFiles
    .filter((file) => !/\.(test|node-test|contract)\.ts$/.test(file))
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
