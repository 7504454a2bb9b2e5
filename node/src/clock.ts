// The wall clock, injected everywhere time is read, so tests and the chaos tools can skew it.

export interface Clock {
  /** Milliseconds since the Unix epoch, as this node believes it. */
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

/**
 * Milliseconds from an arbitrary origin that only move forward at the rate of real time: a wall clock
 * that is stepped (by NTP, by an operator, by a chaos skew) does not move it, so comparing the two tells
 * how far the wall clock jumped (clock-offset/).
 */
export interface MonotonicClock {
  nowMs(): number;
}

export const systemMonotonicClock: MonotonicClock = { nowMs: () => performance.now() };

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

/** A pending callback of a Timers implementation, to cancel it with. */
export type TimerHandle = { readonly timer: unknown };

/** Timers, injected where a component schedules its own background work, so tests need not wait. */
export interface Timers {
  /** Calls `callback` once, `delayMs` from now; never keeps the process alive on its own. */
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

export const systemTimers: Timers = {
  setTimeout: (callback, delayMs) => ({ timer: setTimeout(callback, delayMs).unref() }),
  clearTimeout: (handle) => clearTimeout(handle?.timer as ReturnType<typeof setTimeout> | undefined),
};

/** Timers that fire only when `advance` moves their time past them, in order: for deterministic tests. */
export class ManualTimers implements Timers {
  #nowMs = 0;
  #pending: { dueMs: number; callback: () => void; handle: TimerHandle }[] = [];

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const handle: TimerHandle = { timer: Symbol('timer') };
    this.#pending.push({ dueMs: this.#nowMs + Math.max(0, delayMs), callback, handle });
    return handle;
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    this.#pending = this.#pending.filter((entry) => entry.handle !== handle);
  }

  /** Delays of the callbacks still pending, from now, soonest first. */
  pendingDelaysMs(): number[] {
    return this.#pending.map((entry) => entry.dueMs - this.#nowMs).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, firing every callback that falls due (including ones scheduled meanwhile). */
  advance(ms: number): void {
    const targetMs = this.#nowMs + ms;
    for (;;) {
      const due = this.#pending.filter((entry) => entry.dueMs <= targetMs).sort((a, b) => a.dueMs - b.dueMs)[0];
      if (due === undefined) break;
      this.#pending = this.#pending.filter((entry) => entry !== due);
      this.#nowMs = due.dueMs;
      due.callback();
    }
    this.#nowMs = targetMs;
  }
}
