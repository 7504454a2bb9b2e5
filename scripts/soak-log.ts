// How long each test file of one `npm test` took, read from its output with the time each line arrived:
// bun prints a `path.test.ts:` header as it starts a file (its hooks and tests follow), so a file lasts
// from its header to the next one; the node test runner's part (`node --test`) is one span from the
// first line after bun's summary to the end, named after its top-level suites.

export interface TimedLine {
  /** Milliseconds since the command started. */
  readonly atMs: number;
  readonly text: string;
}

export interface FileSpan {
  readonly name: string;
  readonly durationMs: number;
}

const BUN_FILE_HEADER = /^([\w./-]+\.test\.tsx?):$/;
/** bun's closing lines: ` 748 pass`, ` 1 fail`, `Ran 749 tests across 20 files. [6.43s]`. */
const BUN_SUMMARY = /^Ran \d+ tests? across \d+ files?\./;
/** A top-level node:test suite or test: `✔ name (12.3ms)` at the start of a line. */
const NODE_TOP_LEVEL = /^[✔✖] (.+) \([\d.]+m?s\)$/;

export function fileSpans(lines: readonly TimedLine[]): FileSpan[] {
  const spans: FileSpan[] = [];
  let current: { name: string; startMs: number } | undefined;
  let bunEndMs: number | undefined;
  const close = (endMs: number) => {
    if (current !== undefined) spans.push({ name: current.name, durationMs: endMs - current.startMs });
    current = undefined;
  };
  for (const line of lines) {
    const header = BUN_FILE_HEADER.exec(line.text);
    if (header !== null && bunEndMs === undefined) {
      close(line.atMs);
      current = { name: header[1]!, startMs: line.atMs };
    } else if (BUN_SUMMARY.test(line.text)) {
      close(line.atMs);
      bunEndMs = line.atMs;
    }
  }
  close(lines.at(-1)?.atMs ?? 0);
  if (bunEndMs !== undefined) {
    const after = lines.filter((line) => line.atMs > bunEndMs);
    const suites = after.map((line) => NODE_TOP_LEVEL.exec(line.text)?.[1]).filter((name) => name !== undefined);
    if (after.length > 0) spans.push({ name: `node --test (${suites.join('; ') || 'no suite'})`, durationMs: after.at(-1)!.atMs - bunEndMs });
  }
  return spans;
}
