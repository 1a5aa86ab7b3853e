import { latin1ToUtf8, statusLine, type Environ, type StartResponse, type SyncApp, type SyncResponse } from "@sluice/core";
import { CsvExport } from "./csv-export.js";
import { indexPage } from "./index-page.js";
import { reportPage } from "./report-page.js";
import { RequestError } from "./request-error.js";
import { QueryParameters } from "./sales-filter.js";
import { buildSalesReport, DEFAULT_RESAMPLES, MAX_RESAMPLES, type SalesReport } from "./sales-report.js";
import type { SalesStore } from "./sales-store.js";

/** Options of `createReportApp()`. */
export interface ReportAppOptions {
  /**
   * Opens the database. Called once, on the first request that needs data, in the thread
   * that serves it: on the worker pool every worker thread gets its own connection.
   */
  openStore: () => SalesStore;
}

const RANGE_PARAMETERS = ["from", "to", "region"] as const;

/** What a page handler gets. */
interface PageRequest {
  readonly environ: Environ;
  readonly startResponse: StartResponse;
  /** The mount point, decoded, for links. */
  readonly base: string;
  /** `true` for HEAD: send the headers only. */
  readonly head: boolean;
  readonly store: () => SalesStore;
}

type Page = (request: PageRequest) => SyncResponse;

const encoder = new TextEncoder();

/**
 * The sales-report app, a sync (PEP 3333-style) app:
 *
 * - `GET /` — the HTML index;
 * - `GET /health` — `ok`, without touching the database;
 * - `GET /report` and `/report.json` — the CPU-heavy report (`from`, `to`, `region`, `resamples`);
 * - `GET /export.csv` — the matching sales as streamed CSV (`from`, `to`, `region`,
 *   `via=iterable|write`: return a lazy iterable, or push chunks through `write()`).
 *
 * Bad parameters get `400` with a message naming the problem, unknown paths `404`, other
 * methods `405`. Errors the app does not expect propagate, so the server answers `500`.
 *
 * @example
 * ```ts
 * const app = createReportApp({ openStore: () => SalesStore.open(":memory:", { rows: 10_000 }) });
 * ```
 */
export function createReportApp(options: ReportAppOptions): SyncApp {
  let store: SalesStore | undefined;
  const openStore = (): SalesStore => (store ??= options.openStore());
  return (environ, startResponse) => {
    const path = environ.PATH_INFO === "" ? "/" : environ.PATH_INFO;
    const method = environ.REQUEST_METHOD;
    try {
      const page = PAGES.get(path);
      if (page === undefined) throw RequestError.notFound(latin1ToUtf8(path));
      if (method !== "GET" && method !== "HEAD") throw RequestError.methodNotAllowed(method, path);
      const head = method === "HEAD";
      const body = page({ environ, startResponse, base: latin1ToUtf8(environ.SCRIPT_NAME), head, store: openStore });
      if (!head) return body;
      body.close?.();
      return [];
    } catch (error) {
      if (!(error instanceof RequestError)) throw error;
      return errorResponse(startResponse, error, path.endsWith(".json"));
    }
  };
}

const PAGES = new Map<string, Page>([
  ["/", ({ startResponse, base, store }) => respond(startResponse, "text/html; charset=utf-8", indexPage(base, store().rowCount))],
  ["/health", ({ startResponse }) => respond(startResponse, "text/plain; charset=utf-8", "ok\n")],
  ["/report", (request) => reportResponse(request, "html")],
  ["/report.json", (request) => reportResponse(request, "json")],
  ["/export.csv", exportResponse],
]);

function reportResponse(request: PageRequest, format: "html" | "json"): SyncResponse {
  const query = QueryParameters.parse(request.environ.QUERY_STRING, [...RANGE_PARAMETERS, "resamples"]);
  const filter = query.salesFilter();
  const resamples = query.integer("resamples", DEFAULT_RESAMPLES, 0, MAX_RESAMPLES);
  const report: SalesReport = buildSalesReport(filter, request.store().reportRows(filter), { resamples });
  const timing: [string, string] = ["Server-Timing", `report;dur=${report.computeMs}`];
  if (format === "json") return respond(request.startResponse, "application/json", reportJson(report), [timing]);
  return respond(request.startResponse, "text/html; charset=utf-8", reportPage(request.base, report), [timing]);
}

function exportResponse(request: PageRequest): SyncResponse {
  const query = QueryParameters.parse(request.environ.QUERY_STRING, [...RANGE_PARAMETERS, "via"]);
  const filter = query.salesFilter();
  const via = query.choice("via", ["iterable", "write"] as const, "iterable");
  const store = request.store();
  const filename = `sales-${filter.from}-to-${filter.to}${filter.region === undefined ? "" : `-${filter.region}`}.csv`;
  const write = request.startResponse("200 OK", [
    ["Content-Type", "text/csv; charset=utf-8"],
    ["Content-Disposition", `attachment; filename="${filename}"`],
  ]);
  if (request.head) return [];
  const errors = request.environ["wsgi.errors"];
  const body = new CsvExport(store.exportRows(filter), (rows, finished) => {
    if (!finished) errors.write(`export.csv: stopped after ${rows} rows (the client went away or the response was closed)\n`);
  });
  if (via === "iterable") return body;
  // The imperative style PEP 3333 keeps for old frameworks: each write() blocks until the
  // server has taken the chunk (on the pool: until the client has made room for it).
  try {
    for (const chunk of body) write(chunk);
  } finally {
    body.close();
  }
  return [];
}

/** The report as JSON; an absent region filter is written as `null`. */
function reportJson(report: SalesReport): string {
  return JSON.stringify({ ...report, filter: { ...report.filter, region: report.filter.region ?? null } });
}

function respond(startResponse: StartResponse, contentType: string, text: string, extraHeaders: Array<[string, string]> = []): SyncResponse {
  const bytes = encoder.encode(text);
  startResponse("200 OK", [["Content-Type", contentType], ["Content-Length", String(bytes.length)], ...extraHeaders]);
  return [bytes];
}

function errorResponse(startResponse: StartResponse, error: RequestError, asJson: boolean): SyncResponse {
  const bytes = encoder.encode(asJson ? `${JSON.stringify({ error: error.code, message: error.message })}\n` : `${error.message}\n`);
  const headers: Array<[string, string]> = [
    ["Content-Type", asJson ? "application/json" : "text/plain; charset=utf-8"],
    ["Content-Length", String(bytes.length)],
  ];
  if (error.status === 405) headers.push(["Allow", "GET, HEAD"]);
  startResponse(statusLine(error.status), headers);
  return [bytes];
}
