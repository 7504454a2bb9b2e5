// How numbers read on the page: durations, bytes, shares, clock times.

export function ago(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
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
