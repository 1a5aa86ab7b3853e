import { describe, expect, it } from "vitest";
import { pairedRatios } from "./paired-ratios.js";
import type { ScenarioResult } from "./run-scenario.js";

function resultOf(sluice: number[], baseline: number[], higherIsBetter = true): ScenarioResult {
  return {
    scenario: "s",
    title: "t",
    metric: { name: "value", unit: "u", higherIsBetter },
    baseline: "base",
    date: "2026-11-22T00:00:00.000Z",
    machine: { cpus: 2, cpuModel: "cpu", memoryGiB: 1, node: "v20", platform: "linux" },
    rounds: sluice.length,
    durationSeconds: 1,
    contenders: [
      { name: "sluice", runs: sluice.map((value) => ({ value })), median: {}, ratio: Number.NaN },
      { name: "base", runs: baseline.map((value) => ({ value })), median: {}, ratio: Number.NaN },
    ],
  };
}

describe("pairedRatios", () => {
  it("divides each round's figure by the baseline's from the same round", () => {
    const paired = pairedRatios(resultOf([110, 90, 100], [100, 100, 50]), "sluice");
    expect(paired?.perRound).toEqual([1.1, 0.9, 2]);
    expect(paired?.median).toBe(1.1);
  });

  it("inverts the ratio when lower figures are better", () => {
    const paired = pairedRatios(resultOf([50, 200], [100, 100], false), "sluice");
    expect(paired?.perRound).toEqual([2, 0.5]);
  });

  it("gives the 6th smallest and 6th largest of 21 ratios as a 97% interval", () => {
    const baseline = Array.from({ length: 21 }, () => 100);
    const sluice = Array.from({ length: 21 }, (_, i) => 90 + i); // ratios 0.90 … 1.10
    const paired = pairedRatios(resultOf(sluice, baseline), "sluice");
    expect(paired?.low).toBeCloseTo(0.95, 10);
    expect(paired?.high).toBeCloseTo(1.05, 10);
    expect(paired?.coverage).toBeCloseTo(0.9734, 4);
  });

  it("falls back to the whole range, with its real coverage, for 5 rounds", () => {
    const paired = pairedRatios(resultOf([97, 99, 100, 101, 104], [100, 100, 100, 100, 100]), "sluice");
    expect(paired?.low).toBeCloseTo(0.97, 10);
    expect(paired?.high).toBeCloseTo(1.04, 10);
    expect(paired?.coverage).toBeCloseTo(0.9375, 10);
  });

  it("skips rounds where either side has no figure, and needs two paired rounds", () => {
    const result = resultOf([100, 120], [100, 100]);
    delete result.contenders[1]?.runs[1]?.value;
    expect(pairedRatios(result, "sluice")).toBeUndefined();
  });

  it("answers undefined for a contender that is not in the result", () => {
    expect(pairedRatios(resultOf([1, 2], [1, 2]), "nobody")).toBeUndefined();
  });
});
