// How numbers read on the page: durations, bytes, shares, clock times.

export function ago(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

/** A response time: a tenth of a millisecond below 10 ms (`2.9 ms`), whole ones above (`53 ms`). */
export function latency(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

/** A span of time ahead or behind, to the hour: an ETA, a transfer's duration. */
export function duration(ms: number): string {
  if (ms < 60_000) return ago(ms);
  // Rounded to the unit shown before it is split, so 119.6 s reads `2 min 0 s`, never `1 min 60 s`,
  // and 3,599.6 s `1 h 0 min`.
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  const minutes = Math.round(ms / 60_000);
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** A signed span: a clock's offset ahead (+) or behind (-) another's; a dash when not measured. */
export function offset(ms: number | null): string {
  if (ms === null) return '–';
  return `${ms < 0 ? '-' : '+'}${duration(Math.abs(ms))}`;
}

export function bytes(count: number): string {
  if (count < 1024) return `${count} B`;
  if (count < 1024 * 1024) return `${(count / 1024).toFixed(1)} KiB`;
  return `${(count / 1024 / 1024).toFixed(1)} MiB`;
}

export function percent(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}

export function clock(timeMs: number): string {
  return new Date(timeMs).toISOString().slice(11, 19);
}

export function shortId(nodeId: string): string {
  return nodeId.slice(0, 8);
}
