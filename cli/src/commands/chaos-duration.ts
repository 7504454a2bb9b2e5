// Durations as people write them on a command line and in scenario scripts: `500ms`, `30s`, `2m`, `1h`,
// with a sign where an offset may be negative (`--offset -5s`). A bare number is refused: `--duration
// 30` could mean seconds or milliseconds, and a chaos scenario that waits 1000 times too long is a bug
// nobody notices until it has run for hours.

import { CliFailure, exitCodes } from '../exit-codes';

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

/** The shortest exact spelling of a duration in the units above, which parseDurationMs reads back. */
export function formatDuration(valueMs: number): string {
  const sign = valueMs < 0 ? '-' : '';
  const magnitudeMs = Math.abs(valueMs);
  if (magnitudeMs === 0) return '0s';
  for (const unit of ['h', 'm', 's'] as const) {
    if (magnitudeMs % UNIT_MS[unit]! === 0) return `${sign}${magnitudeMs / UNIT_MS[unit]!}${unit}`;
  }
  return `${sign}${magnitudeMs}ms`;
}
