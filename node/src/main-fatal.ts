// A broken invariant must not keep serving (docs/design.md, "Fault-Tolerance"). In the process that runs
// a node (`swarmkv node`), a failed assertion anywhere (a route handler, a peer's message, a timer, a
// background service) stops the process at the point of failure: one structured line, then an exit
// with a code of its own. Stopping there, rather than where the error would surface, is what makes it
// hold everywhere: nothing after the broken invariant runs, whatever catch sits above it (a route's
// error handler, an rpc handler's, a loop's, a library's), and the stack is the failure's own.
// Operating errors (bad input, a full disk, an unreachable peer) are SwarmErrors and unaffected.
//
// Installed by the process's owner, never by startNode: in-process nodes (unit tests, the bench) share
// their process with code that expects assertions to throw.

import { onAssertionFailure } from './assert';
import type { Logger } from './log';

/** The exit code of a node stopped by a failed assertion: sysexits' EX_SOFTWARE, apart from the CLI's 0..4. */
export const ASSERTION_FAILED_EXIT_CODE = 70;

/** From now on, a failed assertion logs `node.assertion_failed` (message, stack) and ends the process. */
export function exitOnAssertionFailure(logger: Logger): void {
  onAssertionFailure((error) => {
    // The logger writes synchronously (log.ts), so the line is out before the process ends.
    logger.error('node.assertion_failed', { message: error.message, stack: error.stack ?? error.message, exitCode: ASSERTION_FAILED_EXIT_CODE });
    process.exit(ASSERTION_FAILED_EXIT_CODE);
  });
}
