// Assertions are for programmer errors: a broken invariant crashes loudly instead of corrupting data.
// Operating errors (bad input, a missing key, an unreachable peer) are SwarmErrors, never assertions.

export class AssertionError extends Error {
  constructor(message: string) {
    super(`assertion failed: ${message}`);
    this.name = 'AssertionError';
  }
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}
