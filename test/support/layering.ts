// The layering rule of docs/design.md, read from its table and checked against every import of the
// source tree. The table is the only place the rule is written: this file knows how to read it, not
// what it says.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import ts from 'typescript';

const BEGIN_MARKER = '<!-- layering:begin -->';
const END_MARKER = '<!-- layering:end -->';
const RESOLVE_SUFFIXES = ['', '.ts', '.tsx', '.mts', '/index.ts', '/index.tsx'];

/** Test files beside the code: they may import past entry points, and no other file may import them. */
export const TEST_FILE_PATTERN = /\.(test|node-test|contract|test-harness)\.tsx?$/;

type ImportKind = 'any' | 'types' | 'dynamic';

interface Entry {
  /** Relative to the layer's folder; a path ending in `/` admits everything under it. */
  readonly path: string;
  /** Layers that may import this entry; null for every layer the table lets import the layer. */
  readonly importers: string[] | null;
}

export interface Layer {
  readonly name: string;
  /** Exact files (`*` matches within a name) and folders (ending in `/`), relative to the repository. */
  readonly files: string[];
  /** null: every file is an entry point. */
  readonly entries: Entry[] | null;
  readonly imports: Map<string, ImportKind>;
}

export interface ImportEdge {
  readonly specifier: string;
  readonly typeOnly: boolean;
  readonly dynamic: boolean;
  readonly line: number;
}

const codeSpans = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]!);

function parseEntries(cell: string): Entry[] | null {
  if (cell.trim() === 'every file') return null;
  if (cell.trim() === 'none') return [];
  return cell.split(';').map((part) => {
    const [path, ...rest] = part.split(/\sfor\s/);
    const importers = rest.length === 0 ? null : codeSpans(rest.join(' for '));
    return { path: codeSpans(path!)[0]!, importers };
  });
}

function parseImports(cell: string): Map<string, ImportKind> {
  const imports = new Map<string, ImportKind>();
  for (const match of cell.matchAll(/`([a-z0-9-]+)`\s*(?:\(([^)]*)\))?/g)) {
    const note = match[2] ?? '';
    imports.set(match[1]!, note.startsWith('types only') ? 'types' : note.startsWith('dynamic import only') ? 'dynamic' : 'any');
  }
  return imports;
}

/** The section of the document between the layering markers. */
export function layeringSection(markdown: string): string {
  const begin = markdown.indexOf(BEGIN_MARKER);
  const end = markdown.indexOf(END_MARKER);
  if (begin < 0 || end < begin) throw new Error(`no ${BEGIN_MARKER} ... ${END_MARKER} section`);
  return markdown.slice(begin + BEGIN_MARKER.length, end);
}

/** The rows of the layering table: `| layer | files | entry points | may import |`. */
export function parseLayers(markdown: string): Layer[] {
  const rows = layeringSection(markdown)
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) => line.split('|').slice(1, -1));
  return rows
    .filter((cells) => cells.length === 4 && /^\s*`/.test(cells[0]!))
    .map(([name, files, entries, imports]) => ({
      name: codeSpans(name!)[0]!,
      files: codeSpans(files!),
      entries: parseEntries(entries!),
      imports: parseImports(imports!),
    }));
}

function patternScore(pattern: string, file: string): number {
  if (pattern.endsWith('/')) return file.startsWith(pattern) ? pattern.length : -1;
  const expression = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
  return expression.test(file) ? 100_000 : -1;
}

/** The layer whose files match this path most closely (a test file beside a leaf: the leaf's), and the folder it is matched under. */
export function layerOf(file: string, layers: readonly Layer[]): { layer: Layer; folder: string } | undefined {
  let best: { layer: Layer; folder: string; score: number } | undefined;
  for (const layer of layers) {
    for (const pattern of layer.files) {
      const score = patternScore(pattern, file);
      if (score >= 0 && (best === undefined || score > best.score)) best = { layer, folder: pattern.endsWith('/') ? pattern : dirname(file) + '/', score };
    }
  }
  if (best === undefined && TEST_FILE_PATTERN.test(file)) return layerOf(file.replace(TEST_FILE_PATTERN, '.ts'), layers);
  return best;
}

function isTypeOnlyClause(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isImportDeclaration(node)) {
    const clause = node.importClause;
    if (clause === undefined) return false;
    if (clause.isTypeOnly) return true;
    const bindings = clause.namedBindings;
    return clause.name === undefined && bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((element) => element.isTypeOnly);
  }
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((element) => element.isTypeOnly);
}

/** Every import of a source file: static, re-exports, dynamic import() and import types. */
export function importsOf(file: string, text: string): ImportEdge[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const edges: ImportEdge[] = [];
  const add = (literal: ts.Node, typeOnly: boolean, dynamic: boolean) => {
    if (!ts.isStringLiteralLike(literal)) return;
    edges.push({ specifier: literal.text, typeOnly, dynamic, line: source.getLineAndCharacterOfPosition(literal.getStart(source)).line + 1 });
  };
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined) add(node.moduleSpecifier, isTypeOnlyClause(node), false);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] !== undefined) add(node.arguments[0], false, true);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal, true, false);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/** The repository-relative file a relative specifier names, or undefined when none exists. */
function resolveSpecifier(root: string, file: string, specifier: string): string | undefined {
  const base = normalize(join(dirname(file), specifier));
  for (const suffix of RESOLVE_SUFFIXES) {
    const candidate = base + suffix;
    const absolute = join(root, candidate);
    if (existsSync(absolute) && statSync(absolute).isFile()) return candidate;
  }
  return undefined;
}

function kindAllows(kind: ImportKind, edge: ImportEdge): boolean {
  if (kind === 'types') return edge.typeOnly;
  if (kind === 'dynamic') return edge.dynamic;
  return true;
}

/** Every import among these files that the table does not allow, one line each. */
export function layeringViolations(root: string, files: readonly string[], layers: readonly Layer[]): string[] {
  const violations: string[] = [];
  for (const file of files) {
    const from = layerOf(file, layers);
    if (from === undefined) {
      violations.push(`${file}: belongs to no layer of docs/design.md`);
      continue;
    }
    const fromTest = TEST_FILE_PATTERN.test(file);
    for (const edge of importsOf(file, readFileSync(join(root, file), 'utf8'))) {
      if (!edge.specifier.startsWith('.')) continue;
      const at = `${file}:${edge.line}`;
      const target = resolveSpecifier(root, file, edge.specifier);
      if (target === undefined) {
        violations.push(`${at}: ${edge.specifier} names no file`);
        continue;
      }
      if (!fromTest && TEST_FILE_PATTERN.test(target)) violations.push(`${at}: imports the test file ${target}`);
      const to = layerOf(target, layers);
      if (to === undefined) {
        violations.push(`${at}: ${target} belongs to no layer of docs/design.md`);
        continue;
      }
      if (to.layer === from.layer) continue;
      const kind = from.layer.imports.get(to.layer.name);
      if (kind === undefined) violations.push(`${at}: layer ${from.layer.name} may not import ${to.layer.name} (${target})`);
      else if (!kindAllows(kind, edge)) violations.push(`${at}: layer ${from.layer.name} may import ${to.layer.name} only as ${kind === 'types' ? 'types' : 'a dynamic import()'} (${target})`);
      else if (!fromTest) violations.push(...entryViolations(at, from.layer, to, target));
    }
  }
  return violations;
}

function entryViolations(at: string, from: Layer, to: { layer: Layer; folder: string }, target: string): string[] {
  if (to.layer.entries === null) return [];
  const inside = target.slice(to.folder.length);
  const entry = to.layer.entries.find((candidate) => (candidate.path.endsWith('/') ? inside.startsWith(candidate.path) : inside === candidate.path));
  if (entry === undefined) {
    const names = to.layer.entries.map((candidate) => candidate.path).join(', ') || 'nothing: no layer imports it';
    return [`${at}: reaches into ${target} instead of ${to.layer.name}'s entry points (${names})`];
  }
  if (entry.importers !== null && !entry.importers.includes(from.name)) return [`${at}: only ${entry.importers.join(', ')} may import ${target}`];
  return [];
}
