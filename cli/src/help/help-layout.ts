// Laying help text out in a given width: paragraphs wrapped at spaces (never inside a word, by
// wrap-ansi's soft wrapping), and two-column rows (a term, then its description) left-aligned on a
// column that fits the terms but never takes more than a third of the width.

import wrapAnsi from 'wrap-ansi';

export const INDENT = '  ';
const COLUMN_GAP = 2;
/** Below this, descriptions start on their own line under the term instead of beside it. */
const DESCRIPTION_COLUMNS_MIN = 24;

export interface Row {
  readonly term: string;
  readonly description: string;
}

/** `text` wrapped to `width` columns, each line prefixed with `indent` (counted in the width). */
export function wrapParagraphs(text: string, width: number, indent = ''): string[] {
  const columns = Math.max(width - indent.length, 1);
  return text
    .split(/\n\s*\n/)
    .flatMap((paragraph, index) => {
      const lines = wrapAnsi(paragraph.replace(/\s*\n\s*/g, ' '), columns, { hard: false, trim: true, wordWrap: true }).split('\n');
      return index === 0 ? lines : ['', ...lines];
    })
    .map((line) => (line.length > 0 ? `${indent}${line}` : line));
}

/** The term column that fits these rows' terms, up to a third of the width. */
export function termColumnsFor(rows: readonly Row[], width: number): number {
  return Math.min(Math.max(0, ...rows.map((row) => row.term.length)), Math.floor(width / 3));
}

/** Rows as two left-aligned columns within `width`; sections of one page share `termColumns`. */
export function renderRows(rows: readonly Row[], width: number, termColumns = termColumnsFor(rows, width)): string[] {
  const descriptionStart = INDENT.length + termColumns + COLUMN_GAP;
  const besideFits = width - descriptionStart >= DESCRIPTION_COLUMNS_MIN;
  const lines: string[] = [];
  for (const row of rows) {
    const hanging = ' '.repeat(besideFits ? descriptionStart : INDENT.length * 3);
    const description = wrapParagraphs(row.description, width, hanging);
    if (row.description.length === 0) {
      lines.push(`${INDENT}${row.term}`);
    } else if (besideFits && row.term.length <= termColumns) {
      lines.push(`${INDENT}${row.term.padEnd(termColumns + COLUMN_GAP)}${description[0]!.trimStart()}`, ...description.slice(1));
    } else {
      lines.push(`${INDENT}${row.term}`, ...description);
    }
  }
  return lines;
}

/** A titled block: the title, then its lines. */
export function section(title: string, lines: readonly string[]): string[] {
  return lines.length === 0 ? [] : [title, ...lines, ''];
}
