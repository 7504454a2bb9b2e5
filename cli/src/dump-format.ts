// The dump format of `swarmkv export` and `swarmkv import`: newline-delimited JSON, one key per line,
// `{"key": "...", "value": <any JSON>, "version": "...", "updatedAt": "..."}`. Export writes every
// field; import needs `key` and `value` only and ignores the rest, so a file written by hand or by
// another tool (`jq -c '{key: .id, value: .}'`) imports as well as an export does.
//
// Import sends each line to the node as it is, as the request body (a node reads `value`, and `key` for
// a create, and ignores the other fields). Parsing the line here and serialising it again would pass a
// number through a JavaScript double on the way: 12345678901234567890 would arrive rounded, where the
// node refuses a number it cannot keep exactly (docs/api.md) and the import stops at that line.

import { BODY_ENVELOPE_BYTES_MAX, VALUE_BYTES_MAX_CEILING } from '../../node/src';
import { CliFailure, exitCodes } from './exit-codes';
import { jsonForTerminal } from './terminal-text';

/** The longest line import reads: the largest request body any node accepts (its value ceiling plus the envelope). */
export const DUMP_LINE_BYTES_MAX = VALUE_BYTES_MAX_CEILING + BODY_ENVELOPE_BYTES_MAX;

export interface DumpEntry {
  readonly key: string;
  /** The line itself, which is the body import sends. */
  readonly json: string;
}

export interface DumpRecord {
  readonly key: string;
  readonly value: unknown;
  readonly version: string;
  readonly updatedAt: string;
}

/**
 * One record as one line of the dump (no newline). Compact JSON, so a line is no longer than the body
 * that wrote it; for a terminal (`forTerminal`), DEL and C1 controls are escaped too (still JSON).
 */
export function dumpLine(record: DumpRecord, forTerminal: boolean): string {
  const fields = { key: record.key, value: record.value, version: record.version, updatedAt: record.updatedAt };
  return forTerminal ? jsonForTerminal(fields) : JSON.stringify(fields);
}

/** The key of one line of a dump, checked, or a usage error naming the line and what is wrong with it. */
export function parseDumpLine(text: string, lineNumber: number): DumpEntry {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliFailure(exitCodes.usage, `line ${lineNumber} is not JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new CliFailure(exitCodes.usage, `line ${lineNumber} is not a JSON object: expected {"key": "...", "value": ...}`);
  const entry = parsed as Record<string, unknown>;
  if (typeof entry.key !== 'string' || entry.key.length === 0) throw new CliFailure(exitCodes.usage, `line ${lineNumber} has no "key" string`);
  if (!Object.hasOwn(entry, 'value')) throw new CliFailure(exitCodes.usage, `line ${lineNumber} has no "value" field`);
  return { key: entry.key, json: text };
}
