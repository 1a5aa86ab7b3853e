import { seededRandom } from "./internal/random.js";

/**
 * The `p`-th percentile (0–100) of ascending-sorted `sorted`, interpolating linearly between
 * the two nearest ranks (the "type 7" definition spreadsheets use). `NaN` when empty.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const count = sorted.length;
  if (count === 0) return Number.NaN;
  const rank = (p / 100) * (count - 1);
  const below = Math.floor(rank);
  const lower = sorted[below] ?? Number.NaN;
  const upper = sorted[Math.min(below + 1, count - 1)] ?? lower;
  return lower + (upper - lower) * (rank - below);
}

/** An ascending-sorted copy of `values` (a typed array sorts numerically without a comparator). */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/**
 * The median of `values`, found by quickselect; `values` is reordered in place (it is used
 * for scratch arrays that are refilled anyway). `NaN` when empty.
 */
export function medianInPlace(values: Float64Array): number {
  const count = values.length;
  if (count === 0) return Number.NaN;
  const upperIndex = count >> 1;
  const upper = selectInPlace(values, upperIndex);
  if (count % 2 === 1) return upper;
  let lower = -Infinity;
  for (let index = 0; index < upperIndex; index++) lower = Math.max(lower, values[index] ?? -Infinity);
  return (lower + upper) / 2;
}

/** A confidence interval from a bootstrap. */
export interface ConfidenceInterval {
  /** Number of resamples drawn. */
  readonly resamples: number;
  /** Lower bound (2.5th percentile of the resampled statistic). */
  readonly low: number;
  /** Upper bound (97.5th percentile). */
  readonly high: number;
}

/**
 * A 95% percentile-bootstrap confidence interval of the median of `values`: `resamples` times,
 * draw `values.length` values with replacement and take their median. Deterministic (seeded),
 * and deliberately CPU-heavy: O(resamples × n). `undefined` when there are no values or no resamples.
 */
export function bootstrapMedianInterval(values: Float64Array, resamples: number, seed = 1): ConfidenceInterval | undefined {
  const count = values.length;
  if (count === 0 || resamples === 0) return undefined;
  const random = seededRandom(seed);
  const scratch = new Float64Array(count);
  const medians = new Float64Array(resamples);
  for (let round = 0; round < resamples; round++) {
    for (let index = 0; index < count; index++) scratch[index] = values[Math.floor(random() * count)] ?? 0;
    medians[round] = medianInPlace(scratch);
  }
  medians.sort();
  return { resamples, low: percentile(medians, 2.5), high: percentile(medians, 97.5) };
}

/** Moves the `k`-th smallest value of `values` to index `k` (smaller ones before it) and returns it. */
function selectInPlace(values: Float64Array, k: number): number {
  let left = 0;
  let right = values.length - 1;
  while (left < right) {
    const pivot = values[(left + right) >> 1] ?? 0;
    let i = left;
    let j = right;
    while (i <= j) {
      while ((values[i] ?? 0) < pivot) i++;
      while ((values[j] ?? 0) > pivot) j--;
      if (i <= j) {
        const swap = values[i] ?? 0;
        values[i] = values[j] ?? 0;
        values[j] = swap;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return values[k] ?? Number.NaN;
}
