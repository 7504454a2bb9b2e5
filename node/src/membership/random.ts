// Seeded randomness for the pure state machine: the generator's state lives in the membership state,
// so a run is reproducible from its seed (the simulation tests depend on it). Mulberry32: tiny, fast and
// uniform enough for choosing probe targets; nothing here needs to be unpredictable to an attacker.

export interface Random {
  /** A number in [0, 1), advancing the generator. */
  next(): number;
  /** The generator's state, to store back. */
  readonly state: number;
}

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return {
    next(): number {
      state = (state + 0x6d2b79f5) >>> 0;
      let mixed = state;
      mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
      mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
      return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
    },
    get state(): number {
      return state;
    },
  };
}

/** An integer in [0, bound). */
export function randomIndex(random: Random, bound: number): number {
  return Math.floor(random.next() * bound);
}

/** A shuffled copy (Fisher-Yates). */
export function shuffled<T>(random: Random, items: readonly T[]): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = randomIndex(random, index + 1);
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

/** Up to `count` distinct items chosen at random. */
export function sample<T>(random: Random, items: readonly T[], count: number): T[] {
  return shuffled(random, items).slice(0, count);
}
