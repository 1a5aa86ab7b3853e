import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { inlineSyncApp, workerPoolApp } from "@sluice/bridge";
import type { App } from "@sluice/core";
import { serve } from "@sluice/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReportApp } from "../src/report-app.js";
import { SalesStore } from "../src/sales-store.js";

// The same report served two ways in this process, each behind a real socket: on the event
// loop (inline mode) and on a worker pool. A /health request is sent the moment the report
// request reaches the app, before the report starts computing.

const ROWS = 100_000;
const databasePath = join(mkdtempSync(join(tmpdir(), "sync-report-modes-")), "sales.sqlite");
let store: SalesStore;
beforeAll(() => {
  store = SalesStore.open(databasePath, { rows: ROWS });
}, 60_000);
afterAll(() => store.close());

const REPORT = "/report.json?resamples=40";

/** Wraps `app` so that `arrived` resolves when a request for `path` reaches it. */
function announcing(app: App, path: string): { app: App; arrived: Promise<void> } {
  let arrive: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  return {
    arrived,
    app: (scope, receive, send) => {
      if (scope.type === "http" && scope.path === path) arrive();
      return app(scope, receive, send);
    },
  };
}

interface Timed {
  status: number;
  ms: number;
  computeMs: number;
}

async function timedGet(url: string): Promise<Timed> {
  const started = performance.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  const timing = /dur=([\d.]+)/.exec(response.headers.get("server-timing") ?? "");
  return { status: response.status, ms: performance.now() - started, computeMs: Number(timing?.[1] ?? Number.NaN) };
}

/** Starts the report, and /health as soon as the report request reaches the app. */
async function healthDuringReport(app: App): Promise<{ report: Timed; health: Timed }> {
  const announced = announcing(app, "/report.json");
  const server = await serve(announced.app, { host: "127.0.0.1", port: 0, accessLog: false, lifespan: "off" });
  try {
    const report = timedGet(`${server.url}${REPORT}`);
    await announced.arrived;
    const health = await timedGet(`${server.url}/health`);
    return { report: await report, health };
  } finally {
    await server.close();
  }
}

describe("a cheap request sent while a report is computing", () => {
  it("waits for the whole report when the sync app runs inline on the event loop", async () => {
    const { report, health } = await healthDuringReport(inlineSyncApp(createReportApp({ openStore: () => store })));
    console.log(`[sync-report] inline: report computed in ${report.computeMs} ms, /health took ${Math.round(health.ms)} ms`);
    expect([report.status, health.status]).toEqual([200, 200]);
    expect(health.ms).toBeGreaterThanOrEqual(report.computeMs);
  }, 60_000);

  it("is answered by a free worker, long before the report, when the app runs on the pool", async () => {
    process.env.SYNC_REPORT_DB = databasePath;
    process.env.SYNC_REPORT_ROWS = String(ROWS);
    const pooled = workerPoolApp({ module: fileURLToPath(new URL("../dist/app.js", import.meta.url)), exportName: "app", workers: 2 });
    try {
      await pooled.ready();
      const { report, health } = await healthDuringReport(pooled);
      console.log(`[sync-report] pool: report computed in ${report.computeMs} ms, /health took ${Math.round(health.ms)} ms`);
      expect([report.status, health.status]).toEqual([200, 200]);
      expect(health.ms).toBeLessThan(report.computeMs);
    } finally {
      await pooled.close();
    }
  }, 60_000);
});
