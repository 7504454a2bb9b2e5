// Polling with a deadline, for suites that wait on real processes, containers and networks.

/**
 * Polls `predicate` every `intervalMs` until it holds; resolves with the milliseconds it took. A
 * predicate that throws (a node not answering yet) counts as false. On timeout, the error names `what`,
 * the last error, and whatever `diagnostics` adds (the processes' last log lines, say).
 */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  options: { intervalMs: number; diagnostics?: () => string },
): Promise<number> {
  const started = performance.now();
  let lastError: unknown;
  for (;;) {
    try {
      if (await predicate()) return performance.now() - started;
    } catch (error) {
      lastError = error;
    }
    if (performance.now() - started > timeoutMs) {
      const cause = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      const diagnostics = options.diagnostics === undefined ? '' : `\n${options.diagnostics()}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}${diagnostics}`);
    }
    await Bun.sleep(options.intervalMs);
  }
}
