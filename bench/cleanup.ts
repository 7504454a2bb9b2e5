// Last-resort cleanups for a benchmark that is interrupted (Ctrl-C, SIGTERM) or dies: each resource
// that must not outlive the run (a server, a wrk, the scratch directory) registers a synchronous undo
// while it exists. The normal path releases resources itself and unregisters; run.ts runs whatever is
// left, newest first, on a signal or at exit.

const cleanups: (() => void)[] = [];

/** Registers an undo; call the returned function once the resource has been released normally. */
export function registerCleanup(cleanup: () => void): () => void {
  cleanups.push(cleanup);
  return () => {
    const index = cleanups.indexOf(cleanup);
    if (index >= 0) cleanups.splice(index, 1);
  };
}

export function runCleanupsSync(): void {
  while (cleanups.length > 0) {
    const cleanup = cleanups.pop()!;
    try {
      cleanup();
    } catch {
      // Best effort: one failed undo must not keep the others from running.
    }
  }
}
