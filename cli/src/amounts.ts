// Amounts as the CLI prints them in progress and summaries: bytes in decimal megabytes, counts with
// thousands separators, rates per second.

import { count } from '../../node/src';

// The node's log sentences print amounts the same way; the two functions live with them.
export { count, megabytes } from '../../node/src';

/** `1 key`, `12,345 keys`. */
export function keysCounted(value: number): string {
  return `${count(value)} ${Math.round(value) === 1 ? 'key' : 'keys'}`;
}

/** Items per second over `elapsedMs`, rounded; 0 before any time has passed. */
export function ratePerSecond(items: number, elapsedMs: number): number {
  return elapsedMs <= 0 ? 0 : Math.round((items * 1000) / elapsedMs);
}
