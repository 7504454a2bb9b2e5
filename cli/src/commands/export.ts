// `swarmkv export`: every key (or those under --prefix) with its value, version and time, as
// newline-delimited JSON on stdout, in key order; `swarmkv import` reads it back. Over HTTP only:
// GET /kv pages, then GET /kv/{key} for each key (export-run.ts). Progress and the summary go to stderr,
// so stdout holds the dump alone.

import { defineCommand } from 'citty';
import { connectionArgs, connectionHelp, consistencyArgs, consistencyHelp, withConsistency } from '../common-args';
import { CliFailure, exitCodes } from '../exit-codes';
import { EXPORT_CONCURRENCY_DEFAULT, EXPORT_CONCURRENCY_MAX, runExport, type LineSink } from '../export-run';
import { withHelp } from '../help/command-help';
import { NodeClient, resolveToken, resolveUrls } from '../node-client';
import { integerArg } from '../parse-args';
import { count, megabytes } from '../amounts';

const { url, token } = connectionArgs;

export const exportCommand = defineCommand({
  meta: {
    name: 'export',
    description:
      'Write every key (or those under --prefix) to stdout as newline-delimited JSON, one {"key", "value", "version", "updatedAt"} object per line, in key order: a dump `swarmkv import` reads back. Each value is read at --consistency. Not a snapshot: keys written meanwhile may be in it or not, and keys deleted meanwhile are left out. Progress and a summary go to stderr.',
  },
  args: {
    prefix: { type: 'string', description: 'only keys starting with this', default: '' },
    concurrency: { type: 'string', description: `reads in flight at once (1-${EXPORT_CONCURRENCY_MAX})`, default: String(EXPORT_CONCURRENCY_DEFAULT) },
    url,
    token,
    ...consistencyArgs,
  },
  async run({ args }) {
    const concurrency = integerArg('--concurrency', args.concurrency);
    if (concurrency < 1 || concurrency > EXPORT_CONCURRENCY_MAX) throw new CliFailure(exitCodes.usage, `--concurrency must be 1..${EXPORT_CONCURRENCY_MAX}, got ${concurrency}`);
    withConsistency('/kv', args.consistency); // a bad --consistency is a usage error before anything is written
    const client = new NodeClient(resolveUrls(args.url), resolveToken(args.token));
    const sink = stdoutSink();
    const summary = await runExport({ client, sink, prefix: args.prefix, concurrency, consistency: args.consistency, forTerminal: process.stdout.isTTY === true });
    const failure = sink.failure();
    if (failure !== undefined && failure.code !== 'EPIPE') throw new CliFailure(exitCodes.localIo, `cannot write the dump to stdout after ${count(summary.exported)} keys: ${failure.code ?? failure.message}`);
    if (summary.readerClosed) return;
    const vanished = summary.vanished > 0 ? `; ${count(summary.vanished)} listed keys were deleted before they were read, and are left out` : '';
    const retried = summary.retries > 0 ? `; ${count(summary.retries)} requests retried` : '';
    process.stderr.write(`exported ${count(summary.exported)} keys (${megabytes(summary.bytes)}) in ${(summary.elapsedMs / 1000).toFixed(1)} s, ${count(summary.keysPerSecond)} keys/s${vanished}${retried}\n`);
  },
});

interface StdoutSink extends LineSink {
  /** Why stdout stopped taking lines, if it did: EPIPE is a reader that has gone, anything else a failure. */
  failure(): NodeJS.ErrnoException | undefined;
}

/** stdout as a LineSink: waits for 'drain' when the reader lags; reports false once stdout fails or its pipe closes. */
function stdoutSink(): StdoutSink {
  let failure: NodeJS.ErrnoException | undefined;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    failure ??= error;
  });
  return {
    failure: () => failure,
    async writeLine(line) {
      if (failure !== undefined) return false;
      if (!process.stdout.write(`${line}\n`)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            process.stdout.off('drain', done);
            process.stdout.off('error', done);
            resolve();
          };
          process.stdout.on('drain', done);
          process.stdout.on('error', done);
        });
      }
      return failure === undefined;
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
