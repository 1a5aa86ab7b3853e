import { CATEGORIES, PRODUCTS, REGIONS } from "./catalog.js";
import type { SalesFilter } from "./sales-filter.js";
import type { ReportRow } from "./sales-store.js";
import { bootstrapMedianInterval, percentile, sortedCopy, type ConfidenceInterval } from "./statistics.js";

/** Order-value figures of a group of sales, in cents. */
export interface OrderValueSummary {
  readonly orders: number;
  readonly units: number;
  readonly revenueCents: number;
  readonly meanCents: number;
  readonly medianCents: number;
  readonly p90Cents: number;
  readonly p99Cents: number;
}

/** One row of a breakdown table (a region, a category or a product). */
export interface GroupSummary extends OrderValueSummary {
  readonly name: string;
  /** Share of the report's revenue, 0–1. */
  readonly revenueShare: number;
}

/** Revenue of one calendar month. */
export interface MonthSummary {
  /** `YYYY-MM`. */
  readonly month: string;
  readonly orders: number;
  readonly revenueCents: number;
}

/** Everything the report page shows. */
export interface SalesReport {
  readonly filter: SalesFilter;
  readonly total: OrderValueSummary;
  /** 95% bootstrap interval of the median order value; absent for no sales or `resamples=0`. */
  readonly medianInterval: ConfidenceInterval | undefined;
  readonly byRegion: readonly GroupSummary[];
  readonly byCategory: readonly GroupSummary[];
  readonly byMonth: readonly MonthSummary[];
  /** The ten products with the most revenue. */
  readonly topProducts: readonly GroupSummary[];
  /** Milliseconds spent reading rows and computing. */
  readonly computeMs: number;
}

/** Bootstrap resamples when `resamples` is not given (with them, about 250 ms of CPU over 100,000 rows). */
export const DEFAULT_RESAMPLES = 40;

/** The largest `resamples` the app accepts. */
export const MAX_RESAMPLES = 1_000;

/** Options of `buildSalesReport()`. */
export interface SalesReportOptions {
  /** Bootstrap resamples for the median's confidence interval (the expensive part). */
  readonly resamples: number;
}

/**
 * Computes the report in plain JavaScript over every matching row: totals, exact percentiles
 * per region, category and product, monthly revenue, and a bootstrap confidence interval of
 * the median order value. This is the CPU-heavy work the worker pool keeps off the event loop
 * (about 100–300 ms for the default 100,000 rows).
 *
 * @param rows the sales, e.g. `store.reportRows(filter)`; consumed completely
 */
export function buildSalesReport(filter: SalesFilter, rows: Iterable<ReportRow>, options: SalesReportOptions): SalesReport {
  const started = performance.now();
  const all = new GroupValues();
  const regions = new Map<string, GroupValues>(REGIONS.map((region) => [region, new GroupValues()]));
  const categories = new Map<string, GroupValues>(CATEGORIES.map((category) => [category, new GroupValues()]));
  const products = new Map<number, GroupValues>(PRODUCTS.map((product) => [product.id, new GroupValues()]));
  const months = new Map<string, { orders: number; revenueCents: number }>();
  for (const [soldOn, region, productId, quantity, unitPriceCents] of rows) {
    const value = quantity * unitPriceCents;
    all.add(value, quantity);
    regions.get(region)?.add(value, quantity);
    categories.get(PRODUCTS[productId - 1]?.category ?? "")?.add(value, quantity);
    products.get(productId)?.add(value, quantity);
    const month = soldOn.slice(0, 7);
    const monthTotals = months.get(month) ?? { orders: 0, revenueCents: 0 };
    monthTotals.orders += 1;
    monthTotals.revenueCents += value;
    months.set(month, monthTotals);
  }
  const total = all.summary();
  const group = (name: string, values: GroupValues): GroupSummary => {
    const summary = values.summary();
    return { name, ...summary, revenueShare: total.revenueCents === 0 ? 0 : summary.revenueCents / total.revenueCents };
  };
  const byProduct = PRODUCTS.map((product) => group(product.name, products.get(product.id) ?? new GroupValues()));
  return {
    filter,
    total,
    medianInterval: bootstrapMedianInterval(all.values(), options.resamples),
    byRegion: [...regions].map(([name, values]) => group(name, values)).filter((row) => row.orders > 0),
    byCategory: [...categories].map(([name, values]) => group(name, values)).filter((row) => row.orders > 0),
    byMonth: [...months].map(([month, totals]) => ({ month, ...totals })).sort((a, b) => a.month.localeCompare(b.month)),
    topProducts: byProduct.filter((row) => row.orders > 0).sort((a, b) => b.revenueCents - a.revenueCents).slice(0, 10),
    computeMs: Math.round((performance.now() - started) * 10) / 10,
  };
}

/** The order values of one group, collected in a growable typed array. */
class GroupValues {
  #values = new Float64Array(1024);
  #count = 0;
  #units = 0;
  #revenue = 0;

  add(value: number, units: number): void {
    if (this.#count === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.#count++] = value;
    this.#units += units;
    this.#revenue += value;
  }

  values(): Float64Array {
    return this.#values.subarray(0, this.#count);
  }

  summary(): OrderValueSummary {
    const sorted = sortedCopy(this.values());
    return {
      orders: this.#count,
      units: this.#units,
      revenueCents: this.#revenue,
      meanCents: this.#count === 0 ? 0 : this.#revenue / this.#count,
      medianCents: this.#count === 0 ? 0 : percentile(sorted, 50),
      p90Cents: this.#count === 0 ? 0 : percentile(sorted, 90),
      p99Cents: this.#count === 0 ? 0 : percentile(sorted, 99),
    };
  }
}
