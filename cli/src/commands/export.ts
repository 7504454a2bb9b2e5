// `swarmkv export`: every key (or those under --prefix) with its value, version and time, as
// newline-delimited JSON on stdout, in key order; `swarmkv import` reads it back. Over HTTP only:
// GET /kv pages, then GET /kv/{key} for each key (export-run.ts). Progress and the summary go to stderr,
// so stdout holds the dump alone.

import { defineCommand } from 'citty';
import { once } from 'node:events';
import { connectionArgs, connectionHelp, consistencyArgs, consistencyHelp, withConsistency } from '../common-args';
import { runExport, type LineSink } from '../export-run';
import { withHelp } from '../help/command-help';
import { NodeClient, resolveToken, resolveUrls } from '../node-client';
import { count, keysCounted, megabytes } from '../amounts';
import { BULK_CONCURRENCY_DEFAULT, BULK_CONCURRENCY_MAX, concurrencyArg } from '../transient-retry';

const { url, token } = connectionArgs;

export const exportCommand = defineCommand({
  meta: {
    name: 'export',
    description:
      'Write every key (or those under --prefix) to stdout as newline-delimited JSON, one {"key", "value", "version", "updatedAt"} object per line, in key order: a dump `swarmkv import` reads back. Each value is read at --consistency. Not a snapshot: keys written meanwhile may be in it or not, and keys deleted meanwhile are left out. Progress and a summary go to stderr.',
  },
  args: {
    prefix: { type: 'string', description: 'only keys starting with this', default: '' },
    concurrency: { type: 'string', description: `reads in flight at once (1-${BULK_CONCURRENCY_MAX})`, default: String(BULK_CONCURRENCY_DEFAULT) },
    url,
    token,
    ...consistencyArgs,
  },
  async run({ args }) {
    const concurrency = concurrencyArg(args.concurrency);
    withConsistency('/kv', args.consistency); // a bad --consistency is a usage error before anything is written
    const client = new NodeClient(resolveUrls(args.url), resolveToken(args.token));
    const summary = await runExport({ client, sink: stdoutSink(), prefix: args.prefix, concurrency, consistency: args.consistency, forTerminal: process.stdout.isTTY === true });
    const vanished = summary.vanished > 0 ? `; ${count(summary.vanished)} listed keys were deleted before they were read, and are left out` : '';
    const retried = summary.retries > 0 ? `; ${count(summary.retries)} requests retried` : '';
    process.stderr.write(`exported ${keysCounted(summary.exported)} (${megabytes(summary.bytes)}) in ${(summary.elapsedMs / 1000).toFixed(1)} s, ${count(summary.keysPerSecond)} keys/s${vanished}${retried}\n`);
  },
});

/**
 * stdout as a LineSink: waits for 'drain' when the reader lags. A reader that goes away (`| head`), or a
 * stdout that cannot be written, ends the process before the next line (output.ts, handleStdoutFailures).
 */
function stdoutSink(): LineSink {
  return {
    async writeLine(line) {
      if (!process.stdout.write(`${line}\n`)) await once(process.stdout, 'drain');
      return true;
    },
  };
}

withHelp(exportCommand, {
  group: 'data',
  summary: 'Write every key and value as newline-delimited JSON',
  examples: ['swarmkv export > backup.ndjson', 'swarmkv export --prefix user: --consistency all | gzip > users.ndjson.gz', 'swarmkv export --url http://old:7070 | swarmkv import - --url http://new:7070'],
  ...connectionHelp,
  ...consistencyHelp,
});
