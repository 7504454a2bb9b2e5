// A counting semaphore: at most `permits` tasks run at once, the rest wait in arrival order. The queue
// is bounded by the caller, which only ever queues a bounded batch (a pass's ranges, a leaf's keys).

import { assert } from '../assert';

export class Semaphore {
  readonly #waiting: Array<() => void> = [];
  #available: number;

  constructor(permits: number) {
    assert(Number.isInteger(permits) && permits >= 1, `a semaphore has at least one permit, got ${permits}`);
    this.#available = permits;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#available > 0) this.#available -= 1;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next === undefined) this.#available += 1;
      else next();
    }
  }
}
