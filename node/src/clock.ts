// The wall clock, injected everywhere time is read, so tests and the chaos tools can skew it.

export interface Clock {
  /** Milliseconds since the Unix epoch, as this node believes it. */
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

/** A clock that runs `offsetMs` ahead of (or, negative, behind) another: simulated skew. */
export class OffsetClock implements Clock {
  offsetMs: number;
  readonly #base: Clock;

  constructor(base: Clock, offsetMs = 0) {
    this.#base = base;
    this.offsetMs = offsetMs;
  }

  nowMs(): number {
    return this.#base.nowMs() + this.offsetMs;
  }
}

/** A clock that only moves when told to: for deterministic tests. */
export class ManualClock implements Clock {
  #nowMs: number;

  constructor(startMs = 1_700_000_000_000) {
    this.#nowMs = startMs;
  }

  nowMs(): number {
    return this.#nowMs;
  }

  advance(ms: number): void {
    this.#nowMs += ms;
  }

  set(ms: number): void {
    this.#nowMs = ms;
  }
}
