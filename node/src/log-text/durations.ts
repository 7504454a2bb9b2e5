// Durations as people write them on a swarmkv command line (`500ms`, `30s`, `2m`, `1h`), for the
// sentences of chaos events: a partition made with `--duration 10s` is logged as lasting `10s`. The
// CLI parses the same spelling (cli/src/commands/chaos-duration.ts) and prints it with these.

const UNIT_MS: Readonly<Record<'h' | 'm' | 's', number>> = { h: 3_600_000, m: 60_000, s: 1000 };

/** The shortest exact spelling of a duration in h, m, s or ms, which the CLI's duration parser reads back. */
export function formatDuration(valueMs: number): string {
  const sign = valueMs < 0 ? '-' : '';
  const magnitudeMs = Math.abs(valueMs);
  if (magnitudeMs === 0) return '0s';
  for (const unit of ['h', 'm', 's'] as const) {
    if (magnitudeMs % UNIT_MS[unit] === 0) return `${sign}${magnitudeMs / UNIT_MS[unit]}${unit}`;
  }
  return `${sign}${magnitudeMs}ms`;
}

/** A chaos delay's hold in words: `by 200ms`, `by 200ms + up to 50ms`, or `lifted`. */
export function describeHold(delayMs: number, jitterMs: number | undefined): string {
  if (delayMs === 0) return 'lifted';
  return `by ${formatDuration(delayMs)}${jitterMs === undefined || jitterMs === 0 ? '' : ` + up to ${formatDuration(jitterMs)}`}`;
}
