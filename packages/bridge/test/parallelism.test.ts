// The point of the pool: CPU-bound sync handlers run in parallel, off the event loop.
// Timing on a shared 2-core machine is noisy, so each figure is the best of a few trials.
import { once } from "node:events";
import { loadavg } from "node:os";
import { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "@sluice/core";
import { workerPoolApp, type PooledApp } from "../src/index.js";
import { callApp, fixture } from "./helpers/app-client.js";
import { serveApp, type RunningAdapter } from "./helpers/http-adapter.js";

const TRIALS = 4;
/** The throughput comparison is the most load-sensitive figure; it gets more attempts. */
const THROUGHPUT_TRIALS = 8;

describe("event loop responsiveness", () => {
  let pool: PooledApp;
  let server: RunningAdapter;
  beforeAll(async () => {
    pool = workerPoolApp({ module: fixture("sync-apps.mjs"), exportName: "cpu", workers: 2 });
    await pool.ready();
    const router: App = async (scope, receive, send) => {
      if (scope.type === "http" && scope.path === "/async") {
        await send({ type: "http.response.start", status: 200, headers: [["content-type", "text/plain"]] });
        await send({ type: "http.response.body", body: new TextEncoder().encode("async ok") });
        return;
      }
      await pool(scope, receive, send);
    };
    server = await serveApp(router);
  });
  afterAll(async () => {
    await server.close();
    await pool.close();
  });

  /** Runs 4 × 200 ms CPU requests on 2 workers and times async requests meanwhile. */
  async function trial(): Promise<{ latencies: number[]; cpuStatuses: number[] }> {
    const cpu = Promise.all([1, 2, 3, 4].map(async () => (await fetch(`${server.url}/cpu?ms=200`)).status));
    const progress = { finished: false };
    void cpu.finally(() => (progress.finished = true));
    while (pool.stats.busy < 2) await new Promise((resolve) => setImmediate(resolve));
    const latencies: number[] = [];
    while (!progress.finished && pool.stats.busy === 2) {
      const start = performance.now();
      const response = await fetch(`${server.url}/async`);
      expect(await response.text()).toBe("async ok");
      latencies.push(performance.now() - start);
    }
    return { latencies, cpuStatuses: await cpu };
  }

  it("answers an async route in under 50 ms while every worker runs 200 ms CPU-bound requests", async () => {
    const worst: number[] = [];
    for (let i = 0; i < TRIALS; i++) {
      const { latencies, cpuStatuses } = await trial();
      expect(cpuStatuses).toEqual([200, 200, 200, 200]);
      expect(latencies.length).toBeGreaterThan(3);
      worst.push(Math.max(...latencies));
      if (worst.at(-1)! < 50) break;
    }
    console.info(`async route, slowest answer per trial while workers were busy: ${worst.map((ms) => ms.toFixed(1)).join(", ")} ms`);
    expect(Math.min(...worst)).toBeLessThan(50);
  });
});

describe("parallel execution", () => {
  it("runs two CPU-bound requests at the same time on two workers", async () => {
    const pool = workerPoolApp({ module: fixture("sync-apps.mjs"), exportName: "cpu", workers: 2 });
    try {
      await pool.ready();
      const outcomes = await Promise.all([callApp(pool, { query: "ms=200" }), callApp(pool, { query: "ms=200" })]);
      const [a, b] = outcomes.map((outcome) => (outcome.headers.find(([name]) => name === "x-ran")?.[1] ?? "").split(" ").map(Number)) as [
        [number, number],
        [number, number],
      ];
      const overlap = Math.min(a[1], b[1]) - Math.max(a[0], b[0]);
      // Run one after the other, they would not overlap at all.
      expect(overlap).toBeGreaterThan(150);
    } finally {
      await pool.close();
    }
  });
});

describe("parallel throughput", () => {
  let one: PooledApp;
  let two: PooledApp;
  let rawOne: RawThreads;
  let rawTwo: RawThreads;
  beforeAll(async () => {
    // Default priority: this compares parallelism, not how workers share the CPU with the event loop.
    one = workerPoolApp({ module: fixture("sync-apps.mjs"), exportName: "work", workers: 1, workerNiceness: 0 });
    two = workerPoolApp({ module: fixture("sync-apps.mjs"), exportName: "work", workers: 2, workerNiceness: 0 });
    rawOne = new RawThreads(1);
    rawTwo = new RawThreads(2);
    await Promise.all([one.ready(), two.ready()]);
  });
  afterAll(async () => {
    await Promise.all([one.close(), two.close(), rawOne.close(), rawTwo.close()]);
  });

  async function poolRate(app: PooledApp, count: number, n: number): Promise<number> {
    const start = performance.now();
    const outcomes = await Promise.all(Array.from({ length: count }, () => callApp(app, { query: `n=${n}` })));
    const seconds = (performance.now() - start) / 1000;
    for (const outcome of outcomes) expect(outcome.status).toBe(200);
    return count / seconds;
  }

  it("gives at least 1.7 times the CPU-bound throughput with 2 workers as with 1", async () => {
    // Size the work so one request takes about 60 ms here.
    const probeN = 2_000_000;
    const start = performance.now();
    await callApp(one, { query: `n=${probeN}` });
    const n = Math.max(200_000, Math.round((probeN * 60) / Math.max(1, performance.now() - start)));
    const best = { one: 0, two: 0, rawOne: 0, rawTwo: 0 };
    for (let i = 0; i < THROUGHPUT_TRIALS; i++) {
      best.one = Math.max(best.one, await poolRate(one, 8, n));
      best.two = Math.max(best.two, await poolRate(two, 8, n));
      if (best.two / best.one >= 1.7) break;
      // The same work on bare worker threads: how much parallelism the machine offers right now.
      best.rawOne = Math.max(best.rawOne, await rawOne.rate(8, n));
      best.rawTwo = Math.max(best.rawTwo, await rawTwo.rate(8, n));
    }
    const ratio = best.two / best.one;
    const machine = best.rawOne > 0 ? best.rawTwo / best.rawOne : Number.NaN;
    console.info(
      `CPU-bound throughput: 1 worker ${best.one.toFixed(1)} req/s, 2 workers ${best.two.toFixed(1)} req/s, ratio ${ratio.toFixed(2)}; ` +
        `bare threads ratio ${machine.toFixed(2)} (load average ${loadavg()[0]?.toFixed(1)})`,
    );
    if (ratio >= 1.7) return;
    // The machine itself did not offer two free cores in any trial (other processes were using
    // them): then the pool must still scale about as well as bare threads did (within 25 %, as
    // the two are measured at different moments of a busy machine). The overlap test above
    // shows the workers really run at the same time.
    expect(machine, "two bare threads did reach 1.7x, so the pool should have too").toBeLessThan(1.7);
    expect(ratio).toBeGreaterThanOrEqual(0.75 * machine);
  });
});

/** The same CPU work as the `work` fixture on plain worker threads, without the bridge. */
class RawThreads {
  readonly #threads: Worker[];

  constructor(count: number) {
    const source = `
      const { parentPort } = require("node:worker_threads");
      parentPort.on("message", (n) => {
        let x = 0;
        for (let i = 0; i < n; i++) x = (x + Math.sqrt(i) * 1.0000001) % 1e9;
        parentPort.postMessage(Math.round(x));
      });`;
    this.#threads = Array.from({ length: count }, () => new Worker(source, { eval: true }));
  }

  /** Runs `count` tasks of `n` iterations spread over the threads; returns tasks per second. */
  async rate(count: number, n: number): Promise<number> {
    const start = performance.now();
    const perThread = Math.ceil(count / this.#threads.length);
    await Promise.all(
      this.#threads.map(async (thread) => {
        for (let i = 0; i < perThread; i++) {
          thread.postMessage(n);
          await once(thread, "message");
        }
      }),
    );
    return (perThread * this.#threads.length) / ((performance.now() - start) / 1000);
  }

  async close(): Promise<void> {
    await Promise.all(this.#threads.map((thread) => thread.terminate()));
  }
}
