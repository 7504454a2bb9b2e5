// Amounts as the CLI prints them in progress and summaries: bytes in decimal megabytes, counts with
// thousands separators, rates per second.

export function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** 12,345: counts large enough to be read at a glance. */
export function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** `1 key`, `12,345 keys`. */
export function keysCounted(value: number): string {
  return `${count(value)} ${Math.round(value) === 1 ? 'key' : 'keys'}`;
}

/** Items per second over `elapsedMs`, rounded; 0 before any time has passed. */
export function ratePerSecond(items: number, elapsedMs: number): number {
  return elapsedMs <= 0 ? 0 : Math.round((items * 1000) / elapsedMs);
}
