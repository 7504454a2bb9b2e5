// Assertions are for programmer errors: a broken invariant crashes loudly instead of corrupting data.
// Operating errors (bad input, a missing key, an unreachable peer) are SwarmErrors, never assertions.
//
// A thrown AssertionError can still be caught by whoever is above it (a route's error handler turning
// it into a 500, a background loop logging and going on, a library's event emitter), and a node would
// keep serving on a broken invariant. So the process that runs a node installs a handler here
// (main-fatal.ts): a failed assertion stops the process where it fails, before any catch can see it.
// Without one (unit tests, in-process nodes) it is thrown like any error.

export class AssertionError extends Error {
  constructor(message: string) {
    super(`assertion failed: ${message}`);
    this.name = 'AssertionError';
  }
}

let onFailure: ((error: AssertionError) => void) | undefined;

/** Called with every failed assertion before it is thrown (undefined: none); a node process's handler does not return. */
export function onAssertionFailure(handler: ((error: AssertionError) => void) | undefined): void {
  onFailure = handler;
}

export function assert(condition: unknown, message: string): asserts condition {
  if (condition) return;
  const error = new AssertionError(message);
  onFailure?.(error);
  throw error;
}
