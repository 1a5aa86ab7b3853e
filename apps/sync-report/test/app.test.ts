import { validateSyncApp } from "@sluice/core";
import { TestClient } from "@sluice/testing";
import { afterAll, describe, expect, it } from "vitest";
import { createReportApp } from "../src/report-app.js";
import { SalesStore } from "../src/sales-store.js";
import { bodyText, callSyncApp, headerOf } from "./support/call-sync-app.js";

// One in-memory database for the whole file; the app opens it on first use.
const store = SalesStore.open(":memory:", { rows: 20_000 });
afterAll(() => store.close());
const reportApp = createReportApp({ openStore: () => store });

describe("the app called directly under validateSyncApp (PEP 3333 rules checked)", () => {
  const checked = validateSyncApp(reportApp);
  afterAll(() => checked.assertResponsesClosed());

  it("serves the index with links to every page, under the mount point", () => {
    const exchange = callSyncApp(checked, "/", { scriptName: "/sales" });
    expect(exchange.status).toBe("200 OK");
    expect(headerOf(exchange, "content-type")).toBe("text/html; charset=utf-8");
    const html = bodyText(exchange);
    for (const link of ["/sales/report", "/sales/report.json", "/sales/export.csv", "/sales/health"]) expect(html).toContain(`href="${link}`);
    expect(html).toContain("20,000 generated sales");
    expect(headerOf(exchange, "content-length")).toBe(String(Buffer.byteLength(html)));
  });

  it("answers /health with ok", () => {
    const exchange = callSyncApp(checked, "/health");
    expect([exchange.status, bodyText(exchange)]).toEqual(["200 OK", "ok\n"]);
  });

  it("returns the JSON report for a range and region", () => {
    const exchange = callSyncApp(checked, "/report.json", { query: "from=2024-06-01&to=2024-06-30&region=east&resamples=10" });
    expect(exchange.status).toBe("200 OK");
    expect(headerOf(exchange, "server-timing")).toMatch(/^report;dur=\d+(\.\d)?$/);
    const report = JSON.parse(bodyText(exchange)) as { filter: unknown; total: { orders: number }; byRegion: Array<{ name: string }>; medianInterval: { resamples: number } };
    expect(report.filter).toEqual({ from: "2024-06-01", to: "2024-06-30", region: "east" });
    expect(report.total.orders).toBe(store.countRows({ from: "2024-06-01", to: "2024-06-30", region: "east" }));
    expect(report.byRegion.map((row) => row.name)).toEqual(["east"]);
    expect(report.medianInterval.resamples).toBe(10);
  });

  it("renders the report as an HTML page with every region and month", () => {
    const exchange = callSyncApp(checked, "/report", { query: "resamples=0" });
    expect(headerOf(exchange, "content-type")).toBe("text/html; charset=utf-8");
    const html = bodyText(exchange);
    expect(html).toContain("<h1>Sales report</h1>");
    expect(html).toContain("2024-01-01 to 2025-12-31, all regions");
    for (const region of ["north", "islands"]) expect(html).toContain(`<td>${region}</td>`);
    expect(html.match(/<td>20\d\d-\d\d<\/td>/g)).toHaveLength(24);
  });

  it("streams the CSV export as a lazy iterable of 64 KiB chunks", () => {
    const exchange = callSyncApp(checked, "/export.csv", { query: "from=2024-01-01&to=2024-12-31" });
    expect(exchange.status).toBe("200 OK");
    expect(headerOf(exchange, "content-disposition")).toBe('attachment; filename="sales-2024-01-01-to-2024-12-31.csv"');
    expect(exchange.written).toBe(0);
    expect(exchange.chunks.length).toBeGreaterThan(5);
    const lines = bodyText(exchange).split("\r\n");
    expect(lines[0]).toBe("id,sold_on,region,product,category,quantity,unit_price,total");
    expect(lines.length - 2).toBe(store.countRows({ from: "2024-01-01", to: "2024-12-31", region: undefined }));
  });

  it("sends the same CSV through write() when asked with via=write", () => {
    const viaWrite = callSyncApp(checked, "/export.csv", { query: "region=west&via=write" });
    const viaIterable = callSyncApp(checked, "/export.csv", { query: "region=west" });
    expect(viaWrite.written).toBe(viaWrite.chunks.length);
    expect(viaWrite.written).toBeGreaterThan(1);
    expect(bodyText(viaWrite)).toBe(bodyText(viaIterable));
  });

  it("closes the export's cursor when the server stops reading early, and says so in wsgi.errors", () => {
    const partial = callSyncApp(checked, "/export.csv", { maxChunks: 2 });
    expect(partial.chunks).toHaveLength(2);
    expect(partial.errors).toMatch(/^export\.csv: stopped after \d+ rows \(the client went away or the response was closed\)\n$/);
    const next = callSyncApp(checked, "/export.csv", { query: "from=2025-12-01" });
    expect(next.status).toBe("200 OK");
  });

  it("answers HEAD with the headers only and without reading rows", () => {
    const exchange = callSyncApp(checked, "/export.csv", { method: "HEAD" });
    expect(exchange.status).toBe("200 OK");
    expect(exchange.chunks).toEqual([]);
    expect(exchange.errors).toBe("");
  });

  it("refuses a bad date range with 400 and a message naming the problem", () => {
    const exchange = callSyncApp(checked, "/report", { query: "from=2025-03-01&to=2025-02-01" });
    expect(exchange.status).toBe("400 Bad Request");
    expect(bodyText(exchange)).toBe('the date range is empty: "from" (2025-03-01) is after "to" (2025-02-01)\n');
  });

  it("answers errors of the JSON page as JSON", () => {
    const exchange = callSyncApp(checked, "/report.json", { query: "resamples=lots" });
    expect(exchange.status).toBe("400 Bad Request");
    expect(headerOf(exchange, "content-type")).toBe("application/json");
    expect(JSON.parse(bodyText(exchange))).toEqual({ error: "ERR_BAD_QUERY", message: '"resamples" must be a whole number from 0 to 1000, got "lots"' });
  });

  it("answers an unknown path with 404", () => {
    const exchange = callSyncApp(checked, "/reports");
    expect(exchange.status).toBe("404 Not Found");
    expect(bodyText(exchange)).toBe('no page at "/reports"; see / for the list of pages\n');
  });

  it("answers other methods with 405 and Allow", () => {
    const exchange = callSyncApp(checked, "/report", { method: "DELETE" });
    expect(exchange.status).toBe("405 Method Not Allowed");
    expect(headerOf(exchange, "allow")).toBe("GET, HEAD");
  });
});

describe("the app through @sluice/testing's TestClient (the bridge's inline mode)", () => {
  const client = new TestClient(reportApp, { interface: "sync", timeoutMs: 20_000 });

  it("serves the index page", async () => {
    const response = await client.get("/");
    expect(response.status).toBe(200);
    expect(response.text()).toContain("<h1>Sales reports</h1>");
  });

  it("serves the report with the same figures as a direct call", async () => {
    const query = "from=2025-01-01&to=2025-03-31&resamples=5";
    const response = await client.get(`/report.json?${query}`);
    const direct = JSON.parse(bodyText(callSyncApp(reportApp, "/report.json", { query }))) as Record<string, unknown>;
    expect(response.status).toBe(200);
    expect({ ...response.json<Record<string, unknown>>(), computeMs: 0 }).toEqual({ ...direct, computeMs: 0 });
  });

  it("streams the export chunk by chunk", async () => {
    const response = await client.stream("GET", "/export.csv", { query: { from: "2024-01-01", to: "2024-06-30" } });
    expect(response.status).toBe(200);
    expect(response.headers).toContainEqual(["content-type", "text/csv; charset=utf-8"]);
    let chunks = 0;
    let bytes = 0;
    for (let chunk = await response.read(); chunk !== undefined; chunk = await response.read()) {
      chunks++;
      bytes += chunk.length;
    }
    expect(chunks).toBeGreaterThan(3);
    expect(bytes).toBe(Buffer.byteLength(bodyText(callSyncApp(reportApp, "/export.csv", { query: "from=2024-01-01&to=2024-06-30" }))));
  });

  it("answers a request with an unknown parameter with 400", async () => {
    const response = await client.get("/export.csv", { query: { form: "2024-01-01" } });
    expect(response.status).toBe(400);
    expect(response.text()).toBe('unknown query parameter "form"; this page accepts from, to, region, via\n');
  });

  it("answers an unknown path with 404", async () => {
    expect((await client.get("/admin")).status).toBe(404);
  });
});
