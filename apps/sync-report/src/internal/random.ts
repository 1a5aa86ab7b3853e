/**
 * A small seeded pseudo-random generator (mulberry32): the same seed always gives the same
 * sequence, so the seeded dataset and the bootstrap resamples are reproducible.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A whole number in `[0, bound)` drawn from `random`. */
export function randomIndex(random: () => number, bound: number): number {
  return Math.floor(random() * bound);
}
