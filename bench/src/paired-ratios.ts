import { median } from "./harness.js";
import type { ScenarioResult } from "./run-scenario.js";

/** The spread of a contender's round-by-round ratios against the baseline. */
export interface PairedRatios {
  /** Ratio per round (contender and baseline measured back to back in that round), > 1 is better. */
  perRound: number[];
  /** Median of `perRound`. */
  median: number;
  /** Lower end of the confidence interval for that median. */
  low: number;
  /** Upper end of the confidence interval for that median. */
  high: number;
  /** Chance that the interval holds the true median ratio (0.95 or more when the rounds allow). */
  coverage: number;
}

/** P(X ≤ k) for X ~ Binomial(n, 1/2). */
function binomialHalfCdf(n: number, k: number): number {
  let term = 0.5 ** n; // C(n, 0) / 2^n
  let sum = 0;
  for (let i = 0; i <= k; i++) {
    sum += term;
    term = (term * (n - i)) / (i + 1);
  }
  return sum;
}

/**
 * Pairs a contender's rounds with the baseline's (both ran in the same round, one after the
 * other, so they saw the same machine state), takes the ratio per round and gives its median
 * with a distribution-free confidence interval: the k-th smallest and k-th largest ratios,
 * with k as large as keeps the coverage at 95% or more (with fewer than 6 rounds, the whole
 * range and its actual coverage). Returns `undefined` for fewer than 2 paired rounds.
 */
export function pairedRatios(result: ScenarioResult, contenderName: string): PairedRatios | undefined {
  const contender = result.contenders.find((c) => c.name === contenderName);
  const baseline = result.contenders.find((c) => c.name === result.baseline);
  if (contender === undefined || baseline === undefined) return undefined;
  const key = result.metric.name;
  const perRound: number[] = [];
  const rounds = Math.min(contender.runs.length, baseline.runs.length);
  for (let i = 0; i < rounds; i++) {
    const value = contender.runs[i]?.[key];
    const base = baseline.runs[i]?.[key];
    if (value === undefined || base === undefined || !(value > 0) || !(base > 0)) continue;
    perRound.push(result.metric.higherIsBetter ? value / base : base / value);
  }
  const n = perRound.length;
  if (n < 2) return undefined;
  const sorted = [...perRound].sort((a, b) => a - b);
  let k = 1;
  while (k + 1 <= n / 2 && 1 - 2 * binomialHalfCdf(n, k) >= 0.95) k++;
  return {
    perRound,
    median: median(perRound),
    low: sorted[k - 1] as number,
    high: sorted[n - k] as number,
    coverage: 1 - 2 * binomialHalfCdf(n, k - 1),
  };
}
