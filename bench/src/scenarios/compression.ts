// Response compression: @sluice/compression on @sluice/server vs the `compression` npm package on node:http.
import http from "node:http";
import zlib from "node:zlib";
import { httpLoad, median, type Scenario, type Target } from "../harness.js";

const contenders = [
  { name: "sluice", server: "compression-sluice.ts" },
  { name: "compression (npm) on node:http", server: "compression-npm.ts" },
];
const baseline = "compression (npm) on node:http";

/** Parallel SSE streams during the latency measurement. */
const SSE_STREAMS = 10;

interface StreamFigures {
  firstEventMs: number;
  latencies: number[];
}

/** Reads one gzip-encoded event stream, timing the first event and every event's delivery. */
function readEventStream(target: Target): Promise<StreamFigures> {
  return new Promise((resolve, reject) => {
    const startedAt = performance.timeOrigin + performance.now();
    const request = http.get(`${target.url}/sse`, { headers: { "accept-encoding": "gzip" }, agent: false }, (response) => {
      if (response.headers["content-encoding"] !== "gzip") {
        reject(new Error(`expected a gzip-encoded stream, got ${String(response.headers["content-encoding"])}`));
        response.destroy();
        return;
      }
      const decoder = zlib.createGunzip();
      const latencies: number[] = [];
      let firstEventMs = Number.NaN;
      let pending = "";
      decoder.on("data", (data: Buffer) => {
        const now = performance.timeOrigin + performance.now();
        pending += data.toString();
        let end: number;
        while ((end = pending.indexOf("\n\n")) !== -1) {
          const event = pending.slice(0, end);
          pending = pending.slice(end + 2);
          const match = /"sentAt":([\d.]+)/.exec(event);
          if (match?.[1] === undefined) continue;
          if (Number.isNaN(firstEventMs)) firstEventMs = now - startedAt;
          latencies.push(now - Number(match[1]));
        }
      });
      decoder.on("end", () => resolve({ firstEventMs, latencies }));
      decoder.on("error", reject);
      response.pipe(decoder);
    });
    request.on("error", reject);
  });
}

/** Streams SSE responses from `SSE_STREAMS` clients in a loop for the duration; reports latency figures. */
async function sseLatency(target: Target, options: { durationSeconds: number }): Promise<Record<string, number>> {
  const deadline = Date.now() + options.durationSeconds * 1000;
  const firsts: number[] = [];
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: SSE_STREAMS }, async () => {
      while (Date.now() < deadline) {
        const figures = await readEventStream(target);
        firsts.push(figures.firstEventMs);
        latencies.push(...figures.latencies);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    eventLatencyP50Ms: median(latencies),
    eventLatencyP99Ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? Number.NaN,
    timeToFirstEventMs: median(firsts),
    events: latencies.length,
  };
}

export const scenarios: Scenario[] = [
  {
    name: "compression-json-gzip",
    title: "100 KiB JSON, gzip level 6, 50 connections",
    baseline,
    contenders,
    metric: { name: "requestsPerSecond", unit: "req/s", higherIsBetter: true },
    target: 1.0,
    measure: httpLoad({ path: "/json", headers: { "accept-encoding": "gzip" }, connections: 50 }),
  },
  {
    name: "compression-json-br",
    title: "100 KiB JSON, Brotli quality 4, 50 connections",
    baseline,
    contenders,
    metric: { name: "requestsPerSecond", unit: "req/s", higherIsBetter: true },
    target: 1.0,
    measure: httpLoad({ path: "/json", headers: { "accept-encoding": "br" }, connections: 50 }),
  },
  {
    name: "compression-sse-latency",
    title: `gzip-encoded Server-Sent Events, ${SSE_STREAMS} parallel streams: per-event delivery latency`,
    baseline,
    contenders,
    metric: { name: "eventLatencyP50Ms", unit: "ms", higherIsBetter: false },
    measure: sseLatency,
  },
];
