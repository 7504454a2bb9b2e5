// `swarmkv import FILE`: writes every line of a dump (newline-delimited JSON, `{"key", "value"}` per
// line; what `swarmkv export` writes) as a key, up to --concurrency writes in flight. Over HTTP only:
// PUT /kv/{key}, or POST /kv with --if-absent (a key that exists is left alone and counted as skipped).
// Draws progress on stderr; a line that is not a record, or a write the node refuses, stops the import
// with the line's number, and every line before it is written by then (dump-format.ts, import-run.ts).

import { defineCommand } from 'citty';
import { createReadStream, statSync } from 'node:fs';
import { connectionArgs, connectionHelp, consistencyArgs, consistencyHelp, withConsistency } from '../common-args';
import { CliFailure, exitCodes } from '../exit-codes';
import { withHelp } from '../help/command-help';
import { runImport, type ImportSummary } from '../import-run';
import { NodeClient, resolveToken, resolveUrls } from '../node-client';
import { printJson, printLine } from '../output';
import { integerArg } from '../parse-args';
import { count, keysCounted, megabytes } from '../amounts';
import { STOP_SIGNALS } from '../stop-signals';
import { quoteForTerminal } from '../terminal-text';
import { BULK_CONCURRENCY_DEFAULT, BULK_CONCURRENCY_MAX, concurrencyArg } from '../transient-retry';

export const importCommand = defineCommand({
  meta: {
    name: 'import',
    description:
      'Write every line of FILE (newline-delimited JSON, one {"key", "value"} object per line, as `swarmkv export` writes them; "-" reads stdin) as a key. Other fields of a line are ignored: the keys get new versions. Draws progress on stderr and prints a summary; stops at the first line that is not a record or that a node refuses, naming it (every line before it is written by then).',
  },
  args: {
    file: { type: 'positional', description: 'the dump to read (- for stdin)', required: true },
    'if-absent': { type: 'boolean', description: 'create keys that do not exist and leave existing ones alone (counted as skipped)', default: false },
    'from-line': { type: 'string', description: 'start at this line (1-based), to resume an import that stopped', default: '1' },
    concurrency: { type: 'string', description: `writes in flight at once (1-${BULK_CONCURRENCY_MAX})`, default: String(BULK_CONCURRENCY_DEFAULT) },
    ...connectionArgs,
    ...consistencyArgs,
  },
  async run({ args }) {
    const concurrency = concurrencyArg(args.concurrency);
    const fromLine = integerArg('--from-line', args['from-line']);
    if (fromLine < 1) throw new CliFailure(exitCodes.usage, `--from-line must be at least 1, got ${fromLine}`);
    withConsistency('/kv', args.consistency); // a bad --consistency is a usage error before any line is read
    const fromStdin = args.file === '-';
    const fileBytes = fromStdin ? undefined : sizeOf(args.file);
    const input = fromStdin ? process.stdin : createReadStream(args.file);
    const client = new NodeClient(resolveUrls(args.url), resolveToken(args.token));
    // The first Ctrl-C (or SIGTERM) stops sending and lets the writes in flight finish, so the summary
    // can say where to resume; a second one ends the process at once.
    let stopRequested = false;
    const stop = () => {
      if (stopRequested) process.exit(exitCodes.interrupted);
      stopRequested = true;
    };
    for (const signal of STOP_SIGNALS) process.on(signal, stop);
    let summary: ImportSummary;
    try {
      summary = await runImport({ client, input, fileBytes, concurrency, fromLine, ifAbsent: args['if-absent'], consistency: args.consistency, stopRequested: () => stopRequested });
    } finally {
      for (const signal of STOP_SIGNALS) process.off(signal, stop);
    }
    if (args.json) printJson(summary);
    else printLine(describe(summary, fromStdin ? 'stdin' : quoteForTerminal(args.file)));
    if (summary.failure !== undefined) throw new CliFailure(summary.failure.exitCode, summary.failure.message);
  },
});

/** The file's size, or undefined for what has none to measure progress against (a pipe, a device). */
function sizeOf(path: string): number | undefined {
  try {
    const stats = statSync(path);
    return stats.isFile() ? stats.size : undefined;
  } catch (error) {
    throw new CliFailure(exitCodes.localIo, `cannot read ${quoteForTerminal(path)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function describe(summary: ImportSummary, source: string): string {
  const skipped = summary.skipped > 0 ? `, ${count(summary.skipped)} skipped (already present)` : '';
  const retried = summary.retries > 0 ? `; ${count(summary.retries)} requests retried` : '';
  const seconds = (summary.elapsedMs / 1000).toFixed(1);
  const failure = summary.failure;
  const through = failure === undefined ? '' : failure.exitCode === exitCodes.interrupted ? `; interrupted before line ${failure.line}` : `; stopped at line ${failure.line}`;
  return `imported ${keysCounted(summary.written)}${skipped} from ${source} (${megabytes(summary.bytes)}) in ${seconds} s, ${count(summary.keysPerSecond)} keys/s${retried}${through}`;
}

withHelp(importCommand, {
  group: 'data',
  summary: 'Write the keys of a dump (newline-delimited JSON)',
  examples: ['swarmkv import backup.ndjson', 'swarmkv export --url http://old:7070 | swarmkv import - --url http://new:7070', 'swarmkv import backup.ndjson --if-absent --from-line 52001'],
  ...connectionHelp,
  ...consistencyHelp,
});
