// What the fault injector did and when, on the test process's monotonic clock (performance.now()):
// the checker judges every dead verdict and every minority-side request against it.

export type FaultKind = 'kill' | 'pause' | 'skew' | 'cut' | 'partition' | 'loss' | 'delay' | 'load';

export interface FaultInterval {
  readonly kind: FaultKind;
  readonly description: string;
  /** Nodes whose process was down, stopped or restarted (kill, pause, skew). */
  readonly downNodes: readonly string[];
  /** Directed links that could not carry traffic: [from, to] node names. Loss counts as a cut. */
  readonly cutLinks: readonly (readonly [string, string])[];
  /** For a partition: the sides, the minority first. */
  readonly sides?: readonly (readonly string[])[];
  readonly startMs: number;
  /** When heal() undid it (and a restarted process listened again); undefined while it lasts. */
  endMs?: number;
}

export class FaultTimeline {
  readonly intervals: FaultInterval[] = [];
  lastHealMs: number | undefined;

  begin(fault: Omit<FaultInterval, 'startMs'>, startMs = performance.now()): FaultInterval {
    const interval: FaultInterval = { ...fault, startMs };
    this.intervals.push(interval);
    return interval;
  }

  end(interval: FaultInterval, endMs = performance.now()): void {
    interval.endMs ??= endMs;
    this.lastHealMs = Math.max(this.lastHealMs ?? 0, interval.endMs);
  }

  active(): FaultInterval[] {
    return this.intervals.filter((interval) => interval.endMs === undefined);
  }

  partitions(): FaultInterval[] {
    return this.intervals.filter((interval) => interval.kind === 'partition' && interval.sides !== undefined);
  }
}

/** Whether [startMs, endMs) of the interval, widened by `graceMs` after its end, contains `atMs`. */
export function covers(interval: FaultInterval, atMs: number, graceMs: number): boolean {
  return interval.startMs <= atMs && atMs <= (interval.endMs ?? Number.POSITIVE_INFINITY) + graceMs;
}
