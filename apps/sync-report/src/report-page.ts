import { escapeHtml, formatCount, formatMoney, htmlPage } from "./html.js";
import type { GroupSummary, SalesReport } from "./sales-report.js";

/**
 * The report as an HTML page: headline figures, breakdown tables with revenue bars, monthly revenue.
 *
 * @param base the mount point (`SCRIPT_NAME`, decoded) to prefix links with
 */
export function reportPage(base: string, report: SalesReport): string {
  const { filter, total, medianInterval } = report;
  const scope = `${filter.from} to ${filter.to}${filter.region === undefined ? ", all regions" : `, region ${filter.region}`}`;
  const query = new URLSearchParams({ from: filter.from, to: filter.to, ...(filter.region === undefined ? {} : { region: filter.region }) }).toString();
  const interval =
    medianInterval === undefined
      ? "not computed"
      : `${formatMoney(medianInterval.low)} – ${formatMoney(medianInterval.high)} (95%, ${formatCount(medianInterval.resamples)} bootstrap resamples)`;
  const maxMonth = Math.max(1, ...report.byMonth.map((month) => month.revenueCents));
  const monthRows = report.byMonth
    .map(
      (month) =>
        `<tr><td>${escapeHtml(month.month)}</td><td>${formatCount(month.orders)}</td><td>${formatMoney(month.revenueCents)}</td>` +
        `<td style="text-align:left"><span class="bar" style="width:${((month.revenueCents / maxMonth) * 12).toFixed(2)}rem"></span></td></tr>`,
    )
    .join("\n");
  return htmlPage(
    `Sales report: ${scope}`,
    `<p><a href="${escapeHtml(`${base}/`)}">← all pages</a></p>
<h1>Sales report</h1>
<p>${escapeHtml(scope)} · computed in ${report.computeMs} ms ·
<a href="${escapeHtml(`${base}/report.json?${query}`)}">JSON</a> ·
<a href="${escapeHtml(`${base}/export.csv?${query}`)}">CSV</a></p>
<table>
  <tr><th>Orders</th><td>${formatCount(total.orders)}</td></tr>
  <tr><th>Units</th><td>${formatCount(total.units)}</td></tr>
  <tr><th>Revenue</th><td>${formatMoney(total.revenueCents)}</td></tr>
  <tr><th>Mean order</th><td>${formatMoney(total.meanCents)}</td></tr>
  <tr><th>Median order</th><td>${formatMoney(total.medianCents)}</td></tr>
  <tr><th>Median, confidence interval</th><td>${escapeHtml(interval)}</td></tr>
  <tr><th>90th / 99th percentile order</th><td>${formatMoney(total.p90Cents)} / ${formatMoney(total.p99Cents)}</td></tr>
</table>
<h2>By region</h2>
${groupTable("Region", report.byRegion)}
<h2>By category</h2>
${groupTable("Category", report.byCategory)}
<h2>Top products</h2>
${groupTable("Product", report.topProducts)}
<h2>Revenue by month</h2>
<table>
<tr><th>Month</th><th>Orders</th><th>Revenue</th><th></th></tr>
${monthRows}
</table>
`,
  );
}

function groupTable(label: string, rows: readonly GroupSummary[]): string {
  const body = rows
    .map(
      (row) =>
        `<tr><td>${escapeHtml(row.name)}</td><td>${formatCount(row.orders)}</td><td>${formatMoney(row.revenueCents)}</td>` +
        `<td>${(row.revenueShare * 100).toFixed(1)}%</td><td>${formatMoney(row.medianCents)}</td><td>${formatMoney(row.p90Cents)}</td></tr>`,
    )
    .join("\n");
  return `<table>
<tr><th>${escapeHtml(label)}</th><th>Orders</th><th>Revenue</th><th>Share</th><th>Median order</th><th>90th pct order</th></tr>
${body}
</table>`;
}
