import { afterAll, describe, expect, it } from "vitest";
import { PRODUCTS } from "./catalog.js";
import { ALL_SALES } from "./sales-filter.js";
import { buildSalesReport } from "./sales-report.js";
import { SalesStore } from "./sales-store.js";
import { percentile, sortedCopy } from "./statistics.js";

const store = SalesStore.open(":memory:", { rows: 20_000 });
afterAll(() => store.close());

const SPRING = { from: "2024-03-01", to: "2024-05-31", region: undefined };

describe("buildSalesReport", () => {
  it("totals orders, units and revenue exactly", () => {
    const rows = [...store.reportRows(SPRING)];
    const report = buildSalesReport(SPRING, rows, { resamples: 0 });
    expect(report.total.orders).toBe(rows.length);
    expect(report.total.units).toBe(rows.reduce((sum, row) => sum + row[3], 0));
    expect(report.total.revenueCents).toBe(rows.reduce((sum, row) => sum + row[3] * row[4], 0));
  });

  it("computes order-value percentiles over every row", () => {
    const rows = [...store.reportRows(SPRING)];
    const sorted = sortedCopy(rows.map((row) => row[3] * row[4]));
    const report = buildSalesReport(SPRING, rows, { resamples: 0 });
    expect(report.total.medianCents).toBe(percentile(sorted, 50));
    expect(report.total.p90Cents).toBe(percentile(sorted, 90));
    expect(report.total.p99Cents).toBe(percentile(sorted, 99));
  });

  it("splits the totals by region, category and month without losing any order", () => {
    const report = buildSalesReport(ALL_SALES, store.reportRows(ALL_SALES), { resamples: 0 });
    const sum = (rows: ReadonlyArray<{ orders: number }>): number => rows.reduce((total, row) => total + row.orders, 0);
    expect(sum(report.byRegion)).toBe(20_000);
    expect(sum(report.byCategory)).toBe(20_000);
    expect(sum(report.byMonth)).toBe(20_000);
    expect(report.byMonth.map((month) => month.month)).toEqual([...new Set(report.byMonth.map((month) => month.month))].sort());
    expect(report.byMonth).toHaveLength(24);
    expect(report.byRegion.reduce((total, row) => total + row.revenueShare, 0)).toBeCloseTo(1);
  });

  it("lists the ten best-selling products by revenue, best first", () => {
    const report = buildSalesReport(ALL_SALES, store.reportRows(ALL_SALES), { resamples: 0 });
    expect(report.topProducts).toHaveLength(10);
    const revenues = report.topProducts.map((row) => row.revenueCents);
    expect(revenues).toEqual([...revenues].sort((a, b) => b - a));
    expect(report.topProducts.every((row) => PRODUCTS.some((product) => product.name === row.name))).toBe(true);
  });

  it("adds a bootstrap interval around the median when resamples are asked for", () => {
    const report = buildSalesReport(SPRING, store.reportRows(SPRING), { resamples: 30 });
    expect(report.medianInterval?.resamples).toBe(30);
    expect(report.medianInterval?.low).toBeLessThanOrEqual(report.total.medianCents);
    expect(report.medianInterval?.high).toBeGreaterThanOrEqual(report.total.medianCents);
  });

  it("reports zeros, not NaN, for a range without sales", () => {
    const report = buildSalesReport(SPRING, [], { resamples: 30 });
    expect(report.total).toEqual({ orders: 0, units: 0, revenueCents: 0, meanCents: 0, medianCents: 0, p90Cents: 0, p99Cents: 0 });
    expect(report.medianInterval).toBeUndefined();
    expect(report.byRegion).toEqual([]);
  });
});
