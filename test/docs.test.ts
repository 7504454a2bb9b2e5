// Keeps the user documentation true of the code where a test can, without a build or a node: each
// list below is read from the code (or the tree) and compared with its table in docs/, both ways, so a
// flag, log event, metric, error code, route or test file added without its row fails here, naming
// the document to update. (Each option's environment variable is checked beside the rule that names
// it: cli/src/environment-variables.test.ts.)

import { expect, test } from 'bun:test';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { Glob } from 'bun';
import { configFields, errorStatus } from '../node/src';
import { TEST_FILE_PATTERN } from './support/layering';

const ROOT = join(import.meta.dir, '..');
/** The sources whose logger calls and metric registrations the operations guide must cover. */
const EMITTING_SOURCES = ['node/src/**/*.ts', 'cli/src/**/*.ts'];
/** Quoted literals shaped like an event name that are file names, not events. */
const FILE_NAME = /\.(ts|js|mjs|json|html|css|md|txt|png|sh)$/;
/** Every suite `npm test`, `npm run test:e2e` or `npm run test:docker` runs, each named in testing.md. */
const SUITE_FILES = ['test/**/*.test.ts', 'test/**/*.docker.ts', 'e2e/**/*.e2e.ts', '{node,cli}/src/**/*.node-test.ts', 'bench/**/*.test.ts'];
/**
 * Documents that work merged after this test was written adds (README links to them already). A link
 * to one may not resolve while it is listed; once the file exists, it must leave this list.
 */
const DOCUMENTS_PENDING: string[] = [];

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const files = (pattern: string) => [...new Glob(pattern).scanSync(ROOT)].filter((file) => !file.split('/').includes('node_modules'));
const productionSources = () => EMITTING_SOURCES.flatMap(files).filter((file) => !TEST_FILE_PATTERN.test(file));

/** The first cell of each row of the table that follows `heading` in `document` (up to the next heading). */
function firstCells(document: string, heading: string): string[] {
  const text = read(document);
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`${document} has no section "${heading}"`);
  const section = text.slice(start + heading.length + 2).split(/\n#{1,3} /)[0]!;
  return [...section.matchAll(/^\| (.+?) \|/gm)].map((match) => match[1]!).filter((cell) => !/^(-+|:?-+:?)$/.test(cell));
}

/** The backticked names in each first cell: `a`, `b` in "`a`, `b`". */
const namesIn = (cells: readonly string[]) => cells.flatMap((cell) => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]!));

/** What a document lacks and what it has too many, as messages that name the document and the fix. */
function drift(document: string, what: string, inCode: Iterable<string>, inDocument: Iterable<string>): string[] {
  const code = new Set(inCode);
  const documented = new Set(inDocument);
  return [
    ...[...code].filter((name) => !documented.has(name)).map((name) => `${name}: in the code, missing from ${document} (${what}): add its row`),
    ...[...documented].filter((name) => !code.has(name)).map((name) => `${name}: in ${document} (${what}), but not in the code: remove or rename its row`),
  ].sort();
}

test('docs/configuration.md’s flag table matches configFields', () => {
  const text = read('docs/configuration.md');
  const rows = [...text.matchAll(/^\| `(--[a-z-]+)` \| `[A-Z_]+` \| `([^`]*)` \| (.+) \|$/gm)].map((match) => ({ flag: match[1], defaultValue: match[2], meaning: match[3] }));
  const expected = configFields.map(({ flag, defaultValue, meaning }) => ({ flag, defaultValue, meaning }));
  if (JSON.stringify(rows) !== JSON.stringify(expected)) console.error('docs/configuration.md: its flag table must list configFields (node/src/config.ts) in order, with the same defaults and meanings');
  expect(rows).toEqual(expected);
});

test('every log event the code emits is in docs/operations.md, and every event there is emitted', () => {
  const emitted = new Set<string>();
  for (const file of productionSources()) {
    for (const match of read(file).matchAll(/['"]([a-z]+\.[a-z][a-z_]*)['"]/g)) if (!FILE_NAME.test(match[1]!)) emitted.add(match[1]!);
  }
  expect(emitted.size).toBeGreaterThan(40);
  expect(drift('docs/operations.md', 'section "### Events"', emitted, namesIn(firstCells('docs/operations.md', '### Events')))).toEqual([]);
  // The alerts name events too: each must be one the code emits.
  const alerts = read('docs/operations.md').split('\n## Alerts\n')[1]!.split(/\n## /)[0]!;
  const named = [...alerts.matchAll(/`([a-z]+\.[a-z][a-z_]*)`/g)].map((match) => match[1]!);
  expect(named.filter((event) => !emitted.has(event)).map((event) => `${event}: named in docs/operations.md's alerts, but no code emits it`)).toEqual([]);
});

test('every metric the code registers is in docs/operations.md, and every metric there is registered', () => {
  const registered = new Set<string>();
  for (const file of productionSources()) {
    // A name ending in `_` is a prefix (prom-client's default metrics): documented as `prefix*`.
    for (const match of read(file).matchAll(/['"](swarmkv_[a-z0-9_]+)['"]/g)) registered.add(match[1]!.endsWith('_') ? `${match[1]}*` : match[1]!);
  }
  expect(registered.size).toBeGreaterThan(5);
  expect(drift('docs/operations.md', 'section "## Metrics"', registered, namesIn(firstCells('docs/operations.md', '## Metrics')))).toEqual([]);
});

test('every error code of node/src/errors.ts is in docs/api.md with its status', () => {
  const rows = firstCells('docs/api.md', '## Errors');
  const text = read('docs/api.md');
  const documented = namesIn(rows);
  expect(drift('docs/api.md', 'section "## Errors"', Object.keys(errorStatus), documented)).toEqual([]);
  const wrongStatus = Object.entries(errorStatus)
    .filter(([code, status]) => !new RegExp(`^\\| \`${code}\` \\| ${status} \\|`, 'm').test(text))
    .map(([code, status]) => `${code}: docs/api.md must give its status as ${status}`);
  expect(wrongStatus).toEqual([]);
});

test('every route the node registers is in docs/api.md’s route table, and every route there exists', () => {
  const routes = new Set<string>();
  for (const file of files('node/src/api/**/*.ts').filter((name) => !TEST_FILE_PATTERN.test(name))) {
    for (const match of read(file).matchAll(/\.(get|put|post|delete|patch)\(\s*['"`](\/[^'"`]*)['"`]/g)) {
      routes.add(`${match[1]!.toUpperCase()} ${match[2]!.replace(/:([A-Za-z]+)/g, '{$1}')}`);
    }
  }
  expect(routes.size).toBeGreaterThan(20);
  expect(drift('docs/api.md', 'section "## Routes"', routes, namesIn(firstCells('docs/api.md', '## Routes')))).toEqual([]);
});

test('docs/testing.md’s suite table names every suite file, and every file it names exists', () => {
  const suites = SUITE_FILES.flatMap(files);
  expect(suites.length).toBeGreaterThan(30);
  const named = namesIn(firstCells('docs/testing.md', '## The suites'));
  const literal = named.filter((name) => !name.includes('*'));
  expect(suites.filter((file) => !literal.includes(file)).map((file) => `${file}: a suite missing from docs/testing.md (section "## The suites"): add its row`)).toEqual([]);
  const missing = named.filter((name) => (name.includes('*') ? files(name).length === 0 : !existsSync(join(ROOT, name))));
  expect(missing.map((name) => `${name}: named in docs/testing.md's suite table, but no such file`)).toEqual([]);
});

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const anchorOf = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

test('every relative link in README.md and docs/ resolves, anchors included', () => {
  const documents = ['README.md', ...files('docs/*.md')];
  const broken: string[] = [];
  for (const document of documents) {
    const text = read(document).replace(/```[\s\S]*?```/g, '');
    for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = match[1]!;
      if (/^[a-z]+:/.test(target)) continue;
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const file = path === '' ? document : normalize(join(dirname(document), path));
      if (!existsSync(join(ROOT, file))) {
        if (DOCUMENTS_PENDING.includes(file)) continue;
        broken.push(`${document}: ${target}: no such file`);
        continue;
      }
      if (anchor === undefined || !file.endsWith('.md') || statSync(join(ROOT, file)).isDirectory()) continue;
      const anchors = [...read(file).matchAll(/^#{1,6} (.+)$/gm)].map((heading) => anchorOf(heading[1]!));
      if (!anchors.includes(anchor)) broken.push(`${document}: ${target}: ${file} has no heading with that anchor`);
    }
  }
  expect(broken).toEqual([]);
});

test('every pending document is still missing (a merged one leaves DOCUMENTS_PENDING)', () => {
  const arrived = DOCUMENTS_PENDING.filter((file) => existsSync(join(ROOT, file)));
  expect(arrived.map((file) => `${file} exists now: remove it from DOCUMENTS_PENDING in test/docs.test.ts, so links to it are checked`)).toEqual([]);
});
