import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SalesStore } from "../src/sales-store.js";
import { residentBytes, startCli, type CliServer } from "./support/cli-server.js";

// A 600,000-row database (its full export is about 37 MiB), seeded once here so that no
// server spends its first request seeding.
const ROWS = 600_000;
const databasePath = join(mkdtempSync(join(tmpdir(), "sync-report-server-")), "sales.sqlite");
beforeAll(() => SalesStore.open(databasePath, { rows: ROWS }).close(), 60_000);

/** Four months (about 100,000 rows) with the default 40 resamples: ~250 ms of CPU per report. */
const HEAVY_REPORT = "/report.json?from=2024-01-01&to=2024-04-30&resamples=40";
const MiB = 1024 * 1024;

interface Fetched {
  status: number;
  body: string;
  ms: number;
  serverTiming: string | null;
}

async function get(url: string): Promise<Fetched> {
  const started = performance.now();
  const response = await fetch(url);
  const body = await response.text();
  return { status: response.status, body, ms: performance.now() - started, serverTiming: response.headers.get("server-timing") };
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

describe("served by the sluice CLI on a pool of 3 worker threads", () => {
  let server: CliServer;
  beforeAll(async () => {
    server = await startCli({ threads: 3, databasePath, rows: ROWS });
    // Every worker opens its SQLite connection and warms up on one report.
    const warmUp = await Promise.all([1, 2, 3].map(() => get(`${server.url}${HEAVY_REPORT}`)));
    expect(warmUp.map((response) => response.status)).toEqual([200, 200, 200]);
  }, 60_000);
  afterAll(() => server.stop());

  it("answers /health in well under 100 ms while heavy reports keep two workers computing", async () => {
    let reportsRunning = 2;
    const reportChains = [0, 1].map(async () => {
      const computeMs: string[] = [];
      for (let index = 0; index < 2; index++) {
        const report = await get(`${server.url}${HEAVY_REPORT}`);
        expect(report.status).toBe(200);
        computeMs.push(report.serverTiming ?? "");
      }
      reportsRunning--;
      return computeMs;
    });
    const probeMs: number[] = [];
    while (reportsRunning === 2) {
      const probe = await get(`${server.url}/health`);
      expect(probe.body).toBe("ok\n");
      probeMs.push(probe.ms);
    }
    const computeMs = await Promise.all(reportChains);
    console.log(
      `[sync-report] /health while 2 workers compute reports: ${probeMs.length} probes, median ${round(quantile(probeMs, 0.5))} ms, ` +
        `p90 ${round(quantile(probeMs, 0.9))} ms, max ${round(Math.max(...probeMs))} ms; report compute times: ${computeMs.flat().join(", ")}`,
    );
    expect(probeMs.length).toBeGreaterThanOrEqual(5);
    expect(quantile(probeMs, 0.5)).toBeLessThan(100);
  }, 120_000);

  it("sends the same CSV bytes through write() as through the returned iterable", async () => {
    const query = "from=2024-03-01&to=2024-05-31&region=north";
    const [viaIterable, viaWrite] = await Promise.all([get(`${server.url}/export.csv?${query}`), get(`${server.url}/export.csv?${query}&via=write`)]);
    expect([viaIterable.status, viaWrite.status]).toEqual([200, 200]);
    expect(viaIterable.body.length).toBeGreaterThan(1 * MiB);
    const digest = (text: string): string => createHash("sha256").update(text).digest("hex");
    expect(digest(viaWrite.body)).toBe(digest(viaIterable.body));
  }, 60_000);

  it("stops reading rows when a client abandons an export, and every worker serves exports afterwards", async () => {
    const received = await new Promise<number>((resolve, reject) => {
      const call = request(`${server.url}/export.csv`, (response) => {
        let bytes = 0;
        response.on("data", (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes >= MiB) {
            call.destroy();
            resolve(bytes);
          }
        });
      });
      call.on("error", (error) => (call.destroyed ? undefined : reject(error)));
      call.end();
    });
    const stopped = await server.stderrMatch(/export\.csv: stopped after (\d+) rows/);
    const rowsRead = Number(stopped[1]);
    console.log(`[sync-report] export abandoned after ${received} bytes: the worker had read ${rowsRead} of ${ROWS} rows`);
    expect(rowsRead).toBeLessThan(ROWS / 2);
    // A cursor left open would make the next export on that worker fail with a 500.
    const after = await Promise.all([1, 2, 3].map(() => get(`${server.url}/export.csv?from=2024-01-01&to=2024-01-31`)));
    expect(after.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(new Set(after.map((response) => response.body)).size).toBe(1);
  }, 60_000);

  it("answers a bad date range with 400 and an unknown path with 404 over a real socket", async () => {
    const badRange = await get(`${server.url}/report?from=2024-05-01&to=2024-04-01`);
    expect(badRange.status).toBe(400);
    expect(badRange.body).toBe('the date range is empty: "from" (2024-05-01) is after "to" (2024-04-01)\n');
    expect((await get(`${server.url}/nothing-here`)).status).toBe(404);
  });
});

describe("served by the sluice CLI on a single worker thread", () => {
  let server: CliServer;
  beforeAll(async () => {
    server = await startCli({ threads: 1, databasePath, rows: ROWS });
  }, 60_000);
  afterAll(() => server.stop());

  it("streams the 37 MiB export four times over while the server's resident memory stays bounded", async () => {
    // Warm up (connection opened, code compiled) with a one-month export.
    expect((await get(`${server.url}/export.csv?to=2024-01-31`)).status).toBe(200);
    const before = residentBytes(server.pid);
    const peaks: number[] = [];
    let streamed = 0;
    for (let run = 0; run < 4; run++) {
      let peak = 0;
      let lines = 0;
      let nextSample = streamed;
      const response = await fetch(`${server.url}/export.csv`);
      expect(response.status).toBe(200);
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        streamed += chunk.length;
        for (const byte of chunk) if (byte === 0x0a) lines++;
        if (streamed >= nextSample) {
          peak = Math.max(peak, residentBytes(server.pid));
          nextSample += MiB;
        }
      }
      expect(lines).toBe(ROWS + 1);
      peaks.push(peak);
    }
    const growth = (bytes: number): string => ((bytes - before) / MiB).toFixed(1);
    console.log(
      `[sync-report] streamed ${(streamed / MiB).toFixed(1)} MiB in 4 exports: server RSS ${(before / MiB).toFixed(1)} MiB before, ` +
        `peak growth per export ${peaks.map(growth).join(", ")} MiB`,
    );
    // Each 64 KiB chunk is a new buffer (copied once more by the bridge), and V8 collects that
    // garbage lazily, so RSS rises at first; it levels off well below what was streamed, and
    // an export is never kept alive (that would add ~37 MiB per export).
    expect(streamed).toBeGreaterThan(140 * MiB);
    expect(Math.max(...peaks) - before).toBeLessThan(96 * MiB);
    expect(Math.max(peaks[2] ?? 0, peaks[3] ?? 0)).toBeLessThan(Math.max(peaks[0] ?? 0, peaks[1] ?? 0) + 24 * MiB);
  }, 180_000);
});

describe("started with a bad setting", () => {
  it("exits at startup with an error naming the setting", async () => {
    const failure = await startCli({ threads: 1, databasePath, rows: "lots" }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(String(failure)).toMatch(/SYNC_REPORT_ROWS must be a whole number from 1 to 10000000, got "lots"/);
  }, 60_000);
});
