// Memory stays flat while large bodies flow through the pool in both directions, over real sockets.
import { createHash } from "node:crypto";
import { once } from "node:events";
import { request } from "node:http";
import { connect } from "node:net";
import { Readable } from "node:stream";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workerPoolApp, type PooledApp } from "../src/index.js";
import { fixture, nextProbe } from "./helpers/app-client.js";
import { serveApp, type RunningAdapter } from "./helpers/http-adapter.js";

const MiB = 1024 * 1024;
// Memory is sampled after a forced collection, so it measures what is retained, not garbage
// waiting for the collector. Worker threads created after this line get `gc` too.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;
let app: PooledApp;
let server: RunningAdapter;

beforeAll(async () => {
  app = workerPoolApp({ module: fixture("sync-apps.mjs"), exportName: "raw", workers: 1 });
  await app.ready();
  server = await serveApp(app);
});
afterAll(async () => {
  await server.close();
  await app.close();
});

/** Samples this process's memory while `work` runs; returns the largest growth over the start. */
async function peakGrowth<T>(work: () => Promise<T>): Promise<{ result: T; rss: number; arrayBuffers: number }> {
  collectGarbage();
  const start = process.memoryUsage();
  let rss = 0;
  let arrayBuffers = 0;
  const sample = (): void => {
    collectGarbage();
    const now = process.memoryUsage();
    rss = Math.max(rss, now.rss - start.rss);
    arrayBuffers = Math.max(arrayBuffers, now.arrayBuffers - start.arrayBuffers);
  };
  const timer = setInterval(sample, 50);
  try {
    const result = await work();
    sample();
    return { result, rss, arrayBuffers };
  } finally {
    clearInterval(timer);
  }
}

function uploadBody(total: number, hash: ReturnType<typeof createHash>): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) {
        this.push(null);
        return;
      }
      const chunk = Buffer.alloc(Math.min(64 * 1024, total - sent), sent / 65536);
      hash.update(chunk);
      sent += chunk.length;
      this.push(chunk);
    },
  });
}

async function upload(total: number): Promise<{ status: number | undefined; body: Record<string, number | string> }> {
  const hash = createHash("sha256");
  const req = request(`${server.url}/upload`, {
    method: "POST",
    headers: { "x-app": "uploadHash", "content-length": String(total), "content-type": "application/octet-stream" },
  });
  uploadBody(total, hash).pipe(req);
  const [res] = (await once(req, "response")) as [import("node:http").IncomingMessage];
  const parts: Buffer[] = [];
  for await (const part of res) parts.push(part as Buffer);
  const body = JSON.parse(Buffer.concat(parts).toString()) as Record<string, number | string>;
  return { status: res.statusCode, body: { ...body, expected: hash.digest("hex") } };
}

describe("streaming through the worker pool", () => {
  it("streams a 100 MiB upload into the worker with bounded memory on both threads", async () => {
    await upload(16 * MiB); // warm-up: first-request allocations are not growth
    const { result, rss, arrayBuffers } = await peakGrowth(() => upload(100 * MiB));
    console.info(`100 MiB upload: main thread peak growth rss ${(rss / MiB).toFixed(1)} MiB, arrayBuffers ${(arrayBuffers / MiB).toFixed(1)} MiB; worker heap ${(Number(result.body["heapGrowth"]) / MiB).toFixed(1)} MiB`);
    expect(result.status).toBe(200);
    expect(result.body["bytes"]).toBe(100 * MiB);
    expect(result.body["sha256"]).toBe(result.body["expected"]);
    // Buffering the body anywhere would retain 100 MiB; the pipeline holds a few 64 KiB chunks.
    // The bounds leave room for what the collector frees lazily (array buffers are swept on a
    // background thread, rss keeps allocator high-water marks); typical figures are 10-20 MiB.
    expect(arrayBuffers).toBeLessThan(32 * MiB);
    expect(rss).toBeLessThan(64 * MiB);
    expect(result.body["measuredAfterGc"]).toBe(true);
    expect(result.body["heapGrowth"]).toBeLessThan(8 * MiB);
  });

  it("calls the iterable's close() when a real client hangs up mid-response", async () => {
    const closed = nextProbe<{ tag: string; closed: string }>((message) => message.tag === "socket-gone");
    const socket = connect(server.port, "127.0.0.1");
    await once(socket, "connect");
    socket.write("GET /endless?tag=socket-gone&mode=endless HTTP/1.1\r\nHost: x\r\nX-App: closeProbe\r\n\r\n");
    let received = 0;
    for await (const data of socket) {
      received += (data as Buffer).length;
      if (received > MiB) break; // leaving the loop destroys the socket
    }
    expect((await closed.message).closed).toBe("not-finished");
    const next = await fetch(`${server.url}/`, { headers: { "x-app": "hello" } });
    expect(await next.text()).toBe("Hello, world!");
  });

  it("stalls the app's iterator while a slow client reads, keeping the backlog small", async () => {
    const total = 64 * MiB;
    const probe = new BroadcastChannel("sluice-bridge-test");
    let produced = 0;
    let consumed = 0;
    let maxBacklog = 0;
    probe.onmessage = (event: unknown) => {
      const data = (event as { data: { tag: string; produced: number } }).data;
      if (data.tag !== "slow") return;
      produced = data.produced;
      maxBacklog = Math.max(maxBacklog, produced - consumed);
    };
    const { rss, arrayBuffers } = await peakGrowth(async () => {
      const socket = connect(server.port, "127.0.0.1");
      await once(socket, "connect");
      socket.write(`GET /download?chunks=${total / 65536}&size=65536&tag=slow HTTP/1.1\r\nHost: x\r\nX-App: stream\r\nConnection: close\r\n\r\n`);
      let sincePause = 0;
      socket.on("data", (data: Buffer) => {
        consumed += data.length;
        sincePause += data.length;
        if (sincePause >= 256 * 1024) {
          // A slow reader: stop for a moment after every 256 KiB.
          sincePause = 0;
          socket.pause();
          setTimeout(() => socket.resume(), 4);
        }
      });
      await once(socket, "end");
    });
    probe.close();
    console.info(`slow client: largest backlog ${(maxBacklog / MiB).toFixed(1)} MiB, rss growth ${(rss / MiB).toFixed(1)} MiB, arrayBuffers ${(arrayBuffers / MiB).toFixed(1)} MiB`);
    expect(consumed).toBeGreaterThan(total);
    expect(produced).toBe(total);
    // Without backpressure the worker would run ~64 MiB ahead of the reader.
    expect(maxBacklog).toBeLessThan(12 * MiB);
    expect(rss).toBeLessThan(64 * MiB);
    expect(arrayBuffers).toBeLessThan(8 * MiB);
  });
});
