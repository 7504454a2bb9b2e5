// The work of `swarmkv import`: lines in, writes out, at most `concurrency` in flight, progress on
// stderr. It stops reading at the first line that fails (not a record, refused by the node, or still
// unavailable after the retries of transient-retry.ts), lets the writes in flight finish, and reports
// the lowest line that failed: every line before it is written, so `--from-line` resumes there.

import { isDeepStrictEqual } from 'node:util';
import { count, keysCounted, megabytes, ratePerSecond } from './amounts';
import { withConsistency } from './common-args';
import { DUMP_LINE_BYTES_MAX, parseDumpLine, type DumpEntry } from './dump-format';
import { CliFailure, exitCodes, type ExitCode } from './exit-codes';
import { LineFailure, readLines } from './line-reader';
import { describeRefusal, exitCodeForStatus, keyPath, type NodeReply } from './node-client';
import { ProgressBar, ProgressCount, type ProgressStream } from './progress-bar';
import { quoteForTerminal } from './terminal-text';
import { withRetries, type RetryCount } from './transient-retry';

/** Between two redraws of the progress (each write does not redraw it). */
const PROGRESS_INTERVAL_MS = 250;

/** What import needs of NodeClient. */
export interface JsonTextSender {
  requestWithJsonText(method: string, path: string, jsonText: string | undefined): Promise<NodeReply>;
  /** A request without a body (the read that tells a retried create's 409 apart). */
  request(method: string, path: string): Promise<NodeReply>;
}

export interface ImportOptions {
  readonly client: JsonTextSender;
  readonly input: AsyncIterable<Buffer | Uint8Array | string>;
  /** The file's size, for a bar with a total; undefined (stdin, a pipe) for a count. */
  readonly fileBytes: number | undefined;
  readonly concurrency: number;
  /** Lines before this one are read and not written. */
  readonly fromLine: number;
  readonly ifAbsent: boolean;
  readonly consistency: string | undefined;
  readonly progressStream?: ProgressStream;
  /** Checked before each line: once true, no more lines are sent (Ctrl-C), and the summary says where to resume. */
  readonly stopRequested?: () => boolean;
}

export interface ImportFailure {
  readonly line: number;
  readonly exitCode: ExitCode;
  readonly message: string;
}

export interface ImportSummary {
  /** Keys written (created or replaced). */
  written: number;
  /** Keys left alone with --if-absent because they existed. */
  skipped: number;
  /** Bytes of the lines written or skipped. */
  bytes: number;
  /** The last line read (the numbering counts blank lines too). */
  lastLine: number;
  retries: number;
  elapsedMs: number;
  keysPerSecond: number;
  failure?: ImportFailure;
}

export function runImport(options: ImportOptions): Promise<ImportSummary> {
  return new ImportRun(options).run();
}

class ImportRun {
  readonly #options: ImportOptions;
  readonly #startedMs = performance.now();
  readonly #summary: ImportSummary = { written: 0, skipped: 0, bytes: 0, lastLine: 0, retries: 0, elapsedMs: 0, keysPerSecond: 0 };
  readonly #retryCount: RetryCount = { retries: 0 };
  readonly #bar: ProgressBar | undefined;
  readonly #counter: ProgressCount | undefined;
  #bytesRead = 0;

  constructor(options: ImportOptions) {
    this.#options = options;
    const stream = options.progressStream ?? process.stderr;
    this.#bar = options.fileBytes !== undefined ? new ProgressBar('import', stream, megabytes) : undefined;
    this.#counter = this.#bar === undefined ? new ProgressCount('import', stream) : undefined;
  }

  async run(): Promise<ImportSummary> {
    const summary = this.#summary;
    const timer = setInterval(() => this.#draw(), PROGRESS_INTERVAL_MS);
    const inFlight = new Set<Promise<void>>();
    try {
      await this.#sendLines(inFlight);
    } catch (error) {
      if (error instanceof LineFailure) this.#fail({ line: error.line, exitCode: error.exitCode, message: error.message });
      else this.#fail({ line: summary.lastLine + 1, exitCode: exitCodes.localIo, message: `cannot read line ${summary.lastLine + 1}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
    }
    await Promise.all(inFlight);
    // A Ctrl-C in a terminal also ends a producer piped into stdin, so the input can end after a stop.
    if (this.#options.stopRequested?.() === true) this.#fail({ line: summary.lastLine + 1, exitCode: exitCodes.interrupted, message: `interrupted before line ${summary.lastLine + 1}` });
    clearInterval(timer);
    this.#draw();
    (this.#bar ?? this.#counter)!.finish();
    summary.retries = this.#retryCount.retries;
    summary.elapsedMs = Math.round(performance.now() - this.#startedMs);
    summary.keysPerSecond = ratePerSecond(summary.written + summary.skipped, summary.elapsedMs);
    if (summary.failure !== undefined) {
      const { line, exitCode } = summary.failure;
      const written = line > this.#options.fromLine ? `every line before line ${line} is written; ` : '';
      const resume = exitCode === exitCodes.interrupted ? 'resume' : 'fix the line or the cause and resume';
      summary.failure = { ...summary.failure, message: `${summary.failure.message}\n${written}${resume} with --from-line ${line}` };
    }
    return summary;
  }

  /** Reads and sends lines until the input ends or a line fails; `inFlight` holds the writes not yet answered. */
  async #sendLines(inFlight: Set<Promise<void>>): Promise<void> {
    const options = this.#options;
    for await (const line of readLines(options.input, DUMP_LINE_BYTES_MAX)) {
      this.#bytesRead = line.bytesThrough;
      this.#summary.lastLine = line.number;
      if (line.number < options.fromLine) continue;
      while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
      if (this.#summary.failure !== undefined) return;
      if (options.stopRequested?.() === true) return this.#fail({ line: line.number, exitCode: exitCodes.interrupted, message: `interrupted before line ${line.number}` });
      let entry: DumpEntry;
      try {
        entry = parseDumpLine(line.text, line.number);
      } catch (error) {
        return this.#fail({ line: line.number, exitCode: exitCodes.usage, message: (error as Error).message });
      }
      const task: Promise<void> = this.#write(entry, line.number, Buffer.byteLength(line.text)).finally(() => inFlight.delete(task));
      inFlight.add(task);
    }
  }

  async #write(entry: DumpEntry, line: number, lineBytes: number): Promise<void> {
    const { client, ifAbsent, consistency } = this.#options;
    const method = ifAbsent ? 'POST' : 'PUT';
    const path = withConsistency(ifAbsent ? '/kv' : keyPath(entry.key), consistency);
    const where = `line ${line} (key ${quoteForTerminal(JSON.stringify(entry.key))})`;
    let reply: NodeReply;
    let attempts = 0;
    try {
      reply = await withRetries(() => {
        attempts += 1;
        return client.requestWithJsonText(method, path, entry.json);
      }, this.#retryCount);
    } catch (error) {
      const exitCode = error instanceof CliFailure ? error.exitCode : exitCodes.refused;
      return this.#fail({ line, exitCode, message: `${where}: ${(error as Error).message}` });
    }
    if (reply.status === 200 || reply.status === 201) this.#summary.written += 1;
    else if (ifAbsent && reply.status === 409 && attempts > 1 && (await this.#holdsLineValue(entry))) this.#summary.written += 1;
    else if (ifAbsent && reply.status === 409) this.#summary.skipped += 1;
    else return this.#fail({ line, exitCode: exitCodeForStatus(reply.status), message: `${where}: ${describeRefusal(reply.status, reply.body, reply.url)}` });
    this.#summary.bytes += lineBytes;
  }

  /**
   * Whether the key now holds the line's value. A create refused as a conflict after a retry may have
   * met its own first attempt, which landed although its answer was lost (a 503 whose replica writes
   * arrived late, a dropped connection): then it was written, not skipped. Unknown (the read fails)
   * counts as skipped.
   */
  async #holdsLineValue(entry: DumpEntry): Promise<boolean> {
    try {
      const reply = await this.#options.client.request('GET', withConsistency(keyPath(entry.key), this.#options.consistency));
      return reply.status === 200 && isDeepStrictEqual((reply.body as { value?: unknown }).value, (JSON.parse(entry.json) as { value?: unknown }).value);
    } catch {
      return false;
    }
  }

  /** Keeps the lowest failing line: every line before it is written once the writes in flight land. */
  #fail(failure: ImportFailure): void {
    if (this.#summary.failure === undefined || failure.line < this.#summary.failure.line) this.#summary.failure = failure;
  }

  #draw(): void {
    const done = this.#summary.written + this.#summary.skipped;
    const detail = `${keysCounted(done)}, ${count(ratePerSecond(done, performance.now() - this.#startedMs))} keys/s, line ${count(this.#summary.lastLine)}`;
    if (this.#bar !== undefined) this.#bar.update(this.#bytesRead, this.#options.fileBytes!, detail);
    else this.#counter!.update(`${megabytes(this.#bytesRead)}, ${detail}`);
  }
}
