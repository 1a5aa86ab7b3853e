import { describe, expect, it } from "vitest";
import { bootstrapMedianInterval, medianInPlace, percentile, sortedCopy } from "./statistics.js";

describe("percentile", () => {
  it("interpolates linearly between the two nearest ranks", () => {
    const sorted = sortedCopy([40, 10, 30, 20]);
    expect(percentile(sorted, 0)).toBe(10);
    expect(percentile(sorted, 50)).toBe(25);
    expect(percentile(sorted, 90)).toBeCloseTo(37);
    expect(percentile(sorted, 100)).toBe(40);
  });

  it("is NaN for no values", () => {
    expect(percentile(new Float64Array(0), 50)).toBeNaN();
  });
});

describe("medianInPlace", () => {
  it("finds the middle value of an odd count", () => {
    expect(medianInPlace(Float64Array.from([9, 1, 7, 3, 5]))).toBe(5);
  });

  it("averages the two middle values of an even count", () => {
    expect(medianInPlace(Float64Array.from([8, 2, 6, 4]))).toBe(5);
  });

  it("agrees with sorting on many values with duplicates", () => {
    const values = Float64Array.from({ length: 10_001 }, (_, index) => (index * 7919) % 101);
    expect(medianInPlace(values.slice())).toBe(percentile(sortedCopy(values), 50));
  });
});

describe("bootstrapMedianInterval", () => {
  const values = Float64Array.from({ length: 2_000 }, (_, index) => ((index * 7919) % 1000) + 1);

  it("brackets the sample median", () => {
    const interval = bootstrapMedianInterval(values, 200);
    const median = percentile(sortedCopy(values), 50);
    expect(interval?.low).toBeLessThanOrEqual(median);
    expect(interval?.high).toBeGreaterThanOrEqual(median);
    expect(interval?.resamples).toBe(200);
  });

  it("gives the same interval for the same seed", () => {
    expect(bootstrapMedianInterval(values, 50, 7)).toEqual(bootstrapMedianInterval(values, 50, 7));
  });

  it("is undefined without values or without resamples", () => {
    expect(bootstrapMedianInterval(new Float64Array(0), 10)).toBeUndefined();
    expect(bootstrapMedianInterval(values, 0)).toBeUndefined();
  });
});
