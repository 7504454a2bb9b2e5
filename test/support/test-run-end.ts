// Clean-ups for the end of a whole `bun test` process: the last-resort kill of node processes and
// clusters a suite left running (a timed-out hook, a suite that threw before its own afterAll).
// Bun's test runner never hands the process's 'exit' event to test code (Bun 1.4.5: a handler a test
// file registers does not run, nor does 'beforeExit'), so a safety net hung there alone never ran
// under `bun test`. bunfig.toml preloads test/support/test-run-end-hook.ts, whose global afterAll runs
// these once every file is done; the 'exit' event runs them too, for a runtime that emits it.

const cleanups = new Set<() => void>();
process.once('exit', () => runTestRunEndCleanups());

/** Runs `cleanup` when the whole test run ends (once, however often it is registered). */
export function atTestRunEnd(cleanup: () => void): void {
  cleanups.add(cleanup);
}

/** Runs every registered clean-up once; one that throws is reported and does not stop the others. */
export function runTestRunEndCleanups(): void {
  for (const cleanup of cleanups) {
    try {
      cleanup();
    } catch (error) {
      console.error('a test-run clean-up failed:', error);
    }
  }
  cleanups.clear();
}
