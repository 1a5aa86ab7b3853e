import { jsonOf, request } from "../http-client.js";
import { startSluice } from "../sluice-process.js";
import { abortedUploads } from "./aborted-uploads.js";
import { keepAliveLoad, type LoadCounts } from "./keep-alive-load.js";
import { websocketCycles } from "./websocket-cycles.js";

/** How much load one soak phase applies. */
export interface SoakLoad {
  requests: number;
  websocketCycles: number;
  abortedUploads: number;
}

/** What GET /gc of the fixture app reports. */
interface GcReport {
  gc: boolean;
  memory: NodeJS.MemoryUsage;
  resources: Record<string, number>;
}

/** A memory/handles snapshot of the server after a forced GC. */
export interface Snapshot {
  rss: number;
  heapUsed: number;
  /** V8's reserved heap (grows with the allocation rate: the young generation widens). */
  heapTotal: number;
  handles: number;
  resources: Record<string, number>;
}

/** The outcome of a soak run. */
export interface SoakOutcome {
  warmUp: Snapshot;
  after: Snapshot;
  load: { requests: LoadCounts; websocket: LoadCounts; uploads: LoadCounts };
  seconds: number;
  loadSeconds: number;
  rssGrowthPercent: number;
  heapGrowthPercent: number;
  handleGrowth: number;
  /** RSS after GC at the end of each quarter of the main load. */
  rssSeries: number[];
  passed: boolean;
  problems: string[];
}

function sumCounts(list: readonly LoadCounts[]): LoadCounts {
  return {
    ok: list.reduce((sum, c) => sum + c.ok, 0),
    failed: list.reduce((sum, c) => sum + c.failed, 0),
    errors: list.flatMap((c) => c.errors).slice(0, 5),
  };
}

function totalHandles(resources: Record<string, number>): number {
  return Object.values(resources).reduce((sum, n) => sum + n, 0);
}

async function snapshot(url: string): Promise<Snapshot> {
  const report = jsonOf<GcReport>(await request(`${url}/gc`, { agent: false }));
  if (!report.gc) throw new Error("the server has no global.gc(): start it with NODE_OPTIONS=--expose-gc");
  return { rss: report.memory.rss, heapUsed: report.memory.heapUsed, heapTotal: report.memory.heapTotal, handles: totalHandles(report.resources), resources: report.resources };
}

/** Applies the three kinds of load at once against the server at `port`. */
async function applyLoad(port: number, load: SoakLoad): Promise<SoakOutcome["load"]> {
  const [requests, websocket, uploads] = await Promise.all([
    keepAliveLoad(port, "/health", load.requests, 16),
    websocketCycles(`ws://127.0.0.1:${port}/soak`, load.websocketCycles, 8),
    abortedUploads(port, load.abortedUploads, 4),
  ]);
  return { requests, websocket, uploads };
}

/**
 * The soak: starts `sluice` with `--expose-gc`, applies a warm-up load and snapshots memory
 * and handles after GC, applies the main load, and snapshots again. Passes when RSS and heap
 * are within `tolerancePercent` of the warm-up level, no handle was left behind, and every
 * request, WebSocket cycle and upload went as expected.
 */
export async function runSoak(main: SoakLoad, warmUp: SoakLoad, tolerancePercent = 10, log: (line: string) => void = () => undefined): Promise<SoakOutcome> {
  const started = performance.now();
  const sluice = await startSluice({ env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --expose-gc`.trim() }, args: ["--ws-per-message-deflate=false"] });
  try {
    log(`server ${sluice.url} (pid ${sluice.child.pid ?? "?"}); warm-up: ${JSON.stringify(warmUp)}`);
    await applyLoad(sluice.port, warmUp);
    const warm = await snapshot(sluice.url);
    log(`after warm-up: rss ${(warm.rss / 2 ** 20).toFixed(1)} MiB, heap ${(warm.heapUsed / 2 ** 20).toFixed(1)} MiB, handles ${warm.handles}`);
    const loadStarted = performance.now();
    // The main load runs in four equal parts with a snapshot after each, so the report shows
    // whether memory climbs steadily (a leak) or steps and settles (allocator/V8 sizing).
    const parts: Array<SoakOutcome["load"]> = [];
    const series: number[] = [];
    for (let part = 0; part < 4; part++) {
      const share = (total: number): number => Math.floor(total / 4) + (part === 3 ? total % 4 : 0);
      parts.push(await applyLoad(sluice.port, { requests: share(main.requests), websocketCycles: share(main.websocketCycles), abortedUploads: share(main.abortedUploads) }));
      if (part < 3) {
        const between = await snapshot(sluice.url);
        series.push(between.rss);
        log(`after part ${part + 1}/4: rss ${(between.rss / 2 ** 20).toFixed(1)} MiB, heap ${(between.heapUsed / 2 ** 20).toFixed(1)} MiB, handles ${between.handles}`);
      }
    }
    const load = { requests: sumCounts(parts.map((p) => p.requests)), websocket: sumCounts(parts.map((p) => p.websocket)), uploads: sumCounts(parts.map((p) => p.uploads)) };
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    log(`load done in ${loadSeconds.toFixed(1)} s`);
    // Connections the clients just closed may still be winding down in the server: poll (each
    // poll is a GC and a round trip) until the handle count is back, at most 50 times.
    let after = await snapshot(sluice.url);
    for (let attempt = 0; attempt < 50 && after.handles > warm.handles; attempt++) after = await snapshot(sluice.url);
    series.push(after.rss);
    const rssGrowthPercent = ((after.rss - warm.rss) / warm.rss) * 100;
    const heapGrowthPercent = ((after.heapUsed - warm.heapUsed) / warm.heapUsed) * 100;
    const handleGrowth = after.handles - warm.handles;
    const problems: string[] = [];
    if (rssGrowthPercent > tolerancePercent) problems.push(`RSS grew ${rssGrowthPercent.toFixed(1)}% (limit ${tolerancePercent}%)`);
    if (heapGrowthPercent > tolerancePercent) problems.push(`heap grew ${heapGrowthPercent.toFixed(1)}% (limit ${tolerancePercent}%)`);
    if (handleGrowth > 0) problems.push(`${handleGrowth} more active handles than after warm-up: ${JSON.stringify(after.resources)} vs ${JSON.stringify(warm.resources)}`);
    if (load.requests.ok !== main.requests) problems.push(`${main.requests - load.requests.ok} requests failed: ${load.requests.errors.join("; ")}`);
    if (load.websocket.ok !== main.websocketCycles) problems.push(`${main.websocketCycles - load.websocket.ok} WebSocket cycles failed: ${load.websocket.errors.join("; ")}`);
    if (load.uploads.ok !== main.abortedUploads) problems.push(`${main.abortedUploads - load.uploads.ok} aborted uploads failed: ${load.uploads.errors.join("; ")}`);
    if (!sluice.alive()) problems.push("the server process exited");
    return {
      warmUp: warm,
      after,
      load,
      seconds: (performance.now() - started) / 1000,
      loadSeconds,
      rssGrowthPercent,
      heapGrowthPercent,
      handleGrowth,
      rssSeries: series,
      passed: problems.length === 0,
      problems,
    };
  } finally {
    await sluice.stop();
  }
}
