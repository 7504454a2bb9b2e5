// The daemon's seeded generator (mulberry32) with the picks a schedule needs, so that a chaos run's
// schedule and workload replay with --seed: the same seed, the same faults on the same nodes.

import { SeededRandom } from '../../node/src';

export class Random {
  readonly #source: SeededRandom;

  constructor(seed: number) {
    this.#source = new SeededRandom(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.#source.next();
  }

  /** Uniform integer in [0, below). */
  integer(below: number): number {
    return Math.floor(this.next() * below);
  }

  /** Uniform integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.integer(max - min + 1);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.integer(items.length)]!;
  }

  shuffle<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let index = copy.length - 1; index > 0; index--) {
      const other = this.integer(index + 1);
      [copy[index], copy[other]] = [copy[other]!, copy[index]!];
    }
    return copy;
  }
}
