// The work of `swarmkv export`: the keys in key order, a page of the listing at a time (GET /kv, which
// merges every node's scan), each key's value read with GET /kv/{key} at the asked consistency, up to
// `concurrency` reads in flight, and one dump line per key written in key order. The listing is not a
// snapshot: a key written during the export may be in it or not, and a key deleted between its page and
// its read is left out (counted as vanished), as a copy of a live database made key by key.

import { LIST_LIMIT_MAX, type ListPageReply, type RecordReply } from '../../node/src';
import { count, keysCounted, megabytes, ratePerSecond } from './amounts';
import { withConsistency } from './common-args';
import { dumpLine } from './dump-format';
import { CliFailure } from './exit-codes';
import { describeRefusal, exitCodeForStatus, keyPath, type NodeReply } from './node-client';
import { ProgressCount, type ProgressStream } from './progress-bar';
import { quoteForTerminal } from './terminal-text';
import { withRetries, type RetryCount } from './transient-retry';

/** Between two redraws of the progress. */
const PROGRESS_INTERVAL_MS = 250;

/** What export needs of NodeClient. */
export interface Requester {
  request(method: string, path: string): Promise<NodeReply>;
}

/** Where the dump goes: a line at a time, waiting when the reader is slower than the nodes. */
export interface LineSink {
  /** False once the reader has gone (a closed pipe): the export stops. */
  writeLine(line: string): Promise<boolean>;
}

export interface ExportOptions {
  readonly client: Requester;
  readonly sink: LineSink;
  readonly prefix: string;
  readonly concurrency: number;
  readonly consistency: string | undefined;
  /** Escape DEL and C1 controls too: the dump is going to a terminal. */
  readonly forTerminal: boolean;
  readonly progressStream?: ProgressStream;
}

export interface ExportSummary {
  exported: number;
  /** Listed, then not found when read: deleted during the export. */
  vanished: number;
  bytes: number;
  retries: number;
  elapsedMs: number;
  keysPerSecond: number;
  /** The reader went away before the end (`swarmkv export | head`). */
  readerClosed: boolean;
}

export async function runExport(options: ExportOptions): Promise<ExportSummary> {
  const startedMs = performance.now();
  const summary: ExportSummary = { exported: 0, vanished: 0, bytes: 0, retries: 0, elapsedMs: 0, keysPerSecond: 0, readerClosed: false };
  const retryCount: RetryCount = { retries: 0 };
  const progress = new ProgressCount('export', options.progressStream ?? process.stderr);
  // Nothing to say before the first page's records are out (1,000 reads): a line of zeros reads as stuck.
  const draw = () => {
    if (summary.exported > 0) progress.update(`${keysCounted(summary.exported)}, ${megabytes(summary.bytes)}, ${count(ratePerSecond(summary.exported, performance.now() - startedMs))} keys/s`);
  };
  const timer = setInterval(draw, PROGRESS_INTERVAL_MS);
  const answer = async (path: string): Promise<NodeReply> => withRetries(() => options.client.request('GET', path), retryCount);

  try {
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ prefix: options.prefix, limit: String(LIST_LIMIT_MAX) });
      if (cursor !== null) query.set('cursor', cursor);
      const page = expectOk(await answer(`/kv?${query}`), 'listing the keys') as ListPageReply;
      const records = await readInOrder(page.items.map((item) => item.key), options.concurrency, async (key) => {
        const reply = await answer(withConsistency(keyPath(key), options.consistency));
        if (reply.status === 404) return undefined;
        return expectOk(reply, `reading key ${quoteForTerminal(JSON.stringify(key))}`) as RecordReply;
      });
      for (const record of records) {
        if (record === undefined) {
          summary.vanished += 1;
          continue;
        }
        const line = dumpLine(record, options.forTerminal);
        if (!(await options.sink.writeLine(line))) {
          summary.readerClosed = true;
          break;
        }
        summary.exported += 1;
        summary.bytes += Buffer.byteLength(line) + 1;
      }
      cursor = page.next;
    } while (cursor !== null && !summary.readerClosed);
  } finally {
    clearInterval(timer);
    draw();
    progress.finish();
    summary.retries = retryCount.retries;
    summary.elapsedMs = Math.round(performance.now() - startedMs);
    summary.keysPerSecond = ratePerSecond(summary.exported, summary.elapsedMs);
  }
  return summary;
}

function expectOk(reply: NodeReply, doing: string): unknown {
  if (reply.status >= 200 && reply.status < 300) return reply.body;
  throw new CliFailure(exitCodeForStatus(reply.status), `${doing}: ${describeRefusal(reply.status, reply.body, reply.url)}`);
}

/** `read` of every key, at most `concurrency` at once, the results in the keys' order; the first failure stops the others starting. */
async function readInOrder<T>(keys: readonly string[], concurrency: number, read: (key: string) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(keys.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < keys.length && !failed) {
      const index = next++;
      try {
        results[index] = await read(keys[index]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, keys.length) }, worker));
  return results;
}
