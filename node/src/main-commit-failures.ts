// lmdb-js rejects a promise for every write of a batch whose commit fails (a full or failing disk),
// including some it creates internally that no caller can reach. Node treats those as unhandled and
// ends the process: a full disk would kill the node with all its connections. The store itself turns
// the failure into 507 insufficient_storage for the write that hit it (storage/lmdb-store.ts); here,
// the unreachable copies of that same failure are logged once per batch instead of crashing the node.
// Any other unhandled rejection still ends the process, as before: it is a bug.

import type { Logger } from './log';

function isLmdbCommitFailure(reason: unknown): boolean {
  return reason instanceof Error && 'commitError' in reason && reason.message.startsWith('Commit failed');
}

let installed: Logger | undefined;

/** Installs the filter once per process; the first node's logger reports. */
export function survivesCommitFailures(logger: Logger): void {
  if (installed !== undefined) return;
  installed = logger;
  process.on('unhandledRejection', (reason) => {
    if (!isLmdbCommitFailure(reason)) throw reason;
    const commitError = (reason as { commitError?: Promise<unknown> }).commitError;
    void Promise.resolve(commitError).catch((cause: unknown) => logger.warn('storage.commit_failed', { error: cause instanceof Error ? cause.message : String(cause) }));
  });
}
