// Keeps docs/design.md honest where a test can without a browser: every section the seed's Design
// chapter asks for is there, every file it links to exists, and every Mermaid block is of a known type
// with balanced blocks and none of the characters that silently split a statement (a `;` ends a
// statement in Mermaid: a label containing one becomes two statements, one of them a stray state).

import { expect, test } from 'bun:test';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const ROOT = join(import.meta.dir, '..');
const DOCUMENT = 'docs/design.md';
const SECTIONS = ['Use cases', 'Architecture', 'Infrastructure', 'Modelling', 'Interaction', 'Behaviour', 'Data and Consistency Issues', 'Consistency model', 'Fault-Tolerance', 'Layering'];
/** Diagrams the design needs at least, by Mermaid type. */
const DIAGRAMS_MIN: Record<string, number> = { flowchart: 2, classDiagram: 1, sequenceDiagram: 4, 'stateDiagram-v2': 2 };
/** Lines that open a block closed by a line `end`, per diagram type. */
const BLOCK_OPENERS: Record<string, RegExp> = {
  flowchart: /^subgraph\b/,
  sequenceDiagram: /^(par|alt|loop|opt|critical|break|rect)\b/,
  'stateDiagram-v2': /^note\b(?!.*:)/,
  classDiagram: /\{$/,
};
const BLOCK_CLOSERS: Record<string, RegExp> = { flowchart: /^end$/, sequenceDiagram: /^end$/, 'stateDiagram-v2': /^end note$/, classDiagram: /^\}$/ };

const document = readFileSync(join(ROOT, DOCUMENT), 'utf8');
const diagrams = [...document.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((match) => match[1]!.split('\n').map((line) => line.trim()).filter((line) => line.length > 0));
const typeOf = (lines: string[]) => lines[0]!.split(/\s/)[0]!;

test('the design document has every section of the seed’s Design chapter', () => {
  const headings = [...document.matchAll(/^## (.+)$/gm)].map((match) => match[1]!);
  expect(headings).toEqual(expect.arrayContaining(SECTIONS));
});

test('every file the design document links to exists', () => {
  const targets = [...document.matchAll(/\]\((\.\.?\/[^)#\s]+)/g)].map((match) => match[1]!);
  expect(targets.length).toBeGreaterThan(30);
  expect(targets.filter((target) => !existsSync(join(ROOT, dirname(DOCUMENT), target)))).toEqual([]);
});

test('the design document draws each kind of diagram it needs', () => {
  const counts = new Map<string, number>();
  for (const lines of diagrams) counts.set(typeOf(lines), (counts.get(typeOf(lines)) ?? 0) + 1);
  const short = Object.entries(DIAGRAMS_MIN).filter(([type, minimum]) => (counts.get(type) ?? 0) < minimum);
  expect(short).toEqual([]);
  expect([...counts.keys()].filter((type) => !(type in DIAGRAMS_MIN))).toEqual([]);
});

test('every Mermaid block is balanced and has no statement-splitting semicolon', () => {
  const problems: string[] = [];
  for (const [index, lines] of diagrams.entries()) {
    const type = typeOf(lines);
    let depth = 0;
    for (const line of lines.slice(1)) {
      if (line.includes(';') && !line.startsWith('%%')) problems.push(`diagram ${index + 1}: a ';' in "${line}"`);
      if (BLOCK_OPENERS[type]!.test(line)) depth++;
      if (BLOCK_CLOSERS[type]!.test(line)) depth--;
      if (depth < 0) problems.push(`diagram ${index + 1}: an end without a block`);
    }
    if (depth !== 0) problems.push(`diagram ${index + 1} (${type}): ${depth} block(s) left open`);
  }
  expect(problems).toEqual([]);
});
