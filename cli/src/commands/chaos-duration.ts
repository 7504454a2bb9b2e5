// Durations as people write them on a command line and in scenario scripts: `500ms`, `30s`, `2m`, `1h`,
// with a sign where an offset may be negative (`--offset -5s`). A bare number is refused: `--duration
// 30` could mean seconds or milliseconds, and a chaos scenario that waits 1000 times too long is a bug
// nobody notices until it has run for hours.

import { formatDuration } from '../../../node/src';
import { CliFailure, exitCodes } from '../exit-codes';

// The node's chaos log sentences spell durations the same way; the formatter lives with them.
export { formatDuration } from '../../../node/src';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^(-?)(\d+(?:\.\d+)?)(ms|s|m|h)$/;

/** Milliseconds from `30s` and the like, or a usage error naming the flag and the units it takes. */
export function parseDurationMs(flag: string, text: string, signed = false): number {
  const match = DURATION.exec(text.trim());
  if (match === null || (match[1] === '-' && !signed)) {
    throw new CliFailure(exitCodes.usage, `${flag} must be a duration such as 500ms, 30s, 2m or 1h${signed ? ' (a leading - for a negative one)' : ''}, got ${JSON.stringify(text)}`);
  }
  const magnitudeMs = Math.round(Number(match[2]) * UNIT_MS[match[3]!]!);
  return match[1] === '-' ? -magnitudeMs : magnitudeMs;
}

/** A duration parsed as above that must also lie within [minMs, maxMs]. */
export function parseBoundedDurationMs(flag: string, text: string, minMs: number, maxMs: number): number {
  const valueMs = parseDurationMs(flag, text, minMs < 0);
  if (valueMs < minMs || valueMs > maxMs) throw new CliFailure(exitCodes.usage, `${flag} must lie between ${formatDuration(minMs)} and ${formatDuration(maxMs)}, got ${text}`);
  return valueMs;
}

