import { REGIONS } from "./catalog.js";
import { escapeHtml, formatCount, htmlPage } from "./html.js";
import { ALL_SALES } from "./sales-filter.js";
import { DEFAULT_RESAMPLES, MAX_RESAMPLES } from "./sales-report.js";

/**
 * The home page: what the app is, links to each page and a form choosing a date range and region.
 *
 * @param base the mount point (`SCRIPT_NAME`, decoded) to prefix links with
 * @param rowCount how many sales the database holds
 */
export function indexPage(base: string, rowCount: number): string {
  const link = (path: string): string => escapeHtml(`${base}${path}`);
  const regionOptions = REGIONS.map((region) => `<option>${escapeHtml(region)}</option>`).join("");
  const rangeFields = `<label>From <input type="date" name="from" value="${ALL_SALES.from}" min="${ALL_SALES.from}" max="${ALL_SALES.to}"></label>
  <label>To <input type="date" name="to" value="${ALL_SALES.to}" min="${ALL_SALES.from}" max="${ALL_SALES.to}"></label>
  <label>Region <select name="region"><option value="">all</option>${regionOptions}</select></label>`;
  return htmlPage(
    "Sales reports",
    `<h1>Sales reports</h1>
<p>A sync-interface (PEP 3333-style) app on synchronous SQLite, running on Sluice's worker-thread pool.
The database holds ${formatCount(rowCount)} generated sales from ${ALL_SALES.from} to ${ALL_SALES.to}.</p>
<ul>
  <li><a href="${link("/report")}">Report</a> (HTML) and <a href="${link("/report.json")}">report.json</a>: totals, percentiles and a bootstrap interval, computed in JavaScript over every row</li>
  <li><a href="${link("/export.csv")}">export.csv</a>: every sale as CSV, streamed in 64 KiB chunks
    (<a href="${link("/export.csv?via=write")}">the same through <code>write()</code></a>)</li>
  <li><a href="${link("/health")}">health</a>: a cheap page that answers at once</li>
</ul>
<h2>Report for a range</h2>
<form method="get" action="${link("/report")}">
  ${rangeFields}
  <label>Bootstrap resamples <input type="number" name="resamples" value="${DEFAULT_RESAMPLES}" min="0" max="${MAX_RESAMPLES}"></label>
  <button>Show report</button>
</form>
<h2>Export a range</h2>
<form method="get" action="${link("/export.csv")}">
  ${rangeFields}
  <button>Download CSV</button>
</form>
`,
  );
}
