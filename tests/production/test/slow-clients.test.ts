import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonOf, request } from "../src/http-client.js";
import { startSluice, type SluiceProcess } from "../src/sluice-process.js";

// Slow clients against `sluice --timeout-headers 2 --timeout-keep-alive 2`. Each test holds
// 60 slow connections open and checks that a fast client is still answered promptly.
const SLOW_CLIENTS = 60;
const HEADER_TIMEOUT_S = 2;
const KEEP_ALIVE_TIMEOUT_S = 2;
/**
 * What "answered promptly" means on a shared, loaded 2-core machine (normally a few ms). A
 * fast client that were blocked behind the slow ones would wait for as long as they stall.
 */
const FAST_ENOUGH_MS = 5000;

interface SlowConnection {
  socket: Socket;
  received: () => string;
  /** Resolves with the ms between opening and the server closing the connection. */
  closedAfter: Promise<number>;
}

async function open(port: number): Promise<SlowConnection> {
  const started = performance.now();
  const socket = connect({ port, host: "127.0.0.1" });
  let text = "";
  socket.setEncoding("latin1");
  socket.on("data", (chunk: string) => {
    text += chunk;
  });
  socket.on("error", () => undefined);
  const closedAfter = once(socket, "close").then(() => performance.now() - started);
  await once(socket, "connect");
  return { socket, received: () => text, closedAfter };
}

/** Writes one byte every `everyMs` until the socket closes (the slow client's behaviour). */
function trickle(socket: Socket, byte: string, everyMs: number): void {
  const timer = setInterval(() => {
    if (socket.destroyed || socket.writableEnded) clearInterval(timer);
    else socket.write(byte);
  }, everyMs);
  socket.once("close", () => clearInterval(timer));
}

async function timedHealthCheck(url: string): Promise<number> {
  const started = performance.now();
  const response = await request(`${url}/health`, { timeoutMs: 30_000 });
  expect(response.status).toBe(200);
  return performance.now() - started;
}

describe("slow clients that the server times out", () => {
  let sluice: SluiceProcess;

  beforeAll(async () => {
    sluice = await startSluice({ args: ["--timeout-headers", String(HEADER_TIMEOUT_S), "--timeout-keep-alive", String(KEEP_ALIVE_TIMEOUT_S)] });
  });

  afterAll(async () => {
    await sluice.stop();
  });

  it("answers slowloris clients that trickle their headers with 408 after --timeout-headers, while a fast client is served", async () => {
    const slow = await Promise.all(Array.from({ length: SLOW_CLIENTS }, () => open(sluice.port)));
    for (const connection of slow) {
      connection.socket.write("GET /health HTTP/1.1\r\nHost: slow.test\r\nX-Slow: ");
      trickle(connection.socket, "a", 100);
    }
    expect(await timedHealthCheck(sluice.url)).toBeLessThan(FAST_ENOUGH_MS);
    const closedAfter = await Promise.all(slow.map((connection) => connection.closedAfter));
    for (const connection of slow) expect(connection.received()).toMatch(/^HTTP\/1\.1 408 /);
    // Closed once the header timeout passed (plus the server's check interval and a loaded machine).
    expect(Math.min(...closedAfter)).toBeGreaterThanOrEqual(HEADER_TIMEOUT_S * 1000 - 100);
    expect(Math.max(...closedAfter)).toBeLessThan(HEADER_TIMEOUT_S * 1000 + 8000);
  });

  it("closes idle keep-alive connections after --timeout-keep-alive, while a fast client is served", async () => {
    const idle = await Promise.all(Array.from({ length: SLOW_CLIENTS }, () => open(sluice.port)));
    for (const connection of idle) connection.socket.write("GET /health HTTP/1.1\r\nHost: idle.test\r\n\r\n");
    expect(await timedHealthCheck(sluice.url)).toBeLessThan(FAST_ENOUGH_MS);
    const closedAfter = await Promise.all(idle.map((connection) => connection.closedAfter));
    for (const connection of idle) expect(connection.received()).toMatch(/^HTTP\/1\.1 200 /);
    expect(Math.min(...closedAfter)).toBeGreaterThanOrEqual(KEEP_ALIVE_TIMEOUT_S * 1000 - 100);
    expect(Math.max(...closedAfter)).toBeLessThan(KEEP_ALIVE_TIMEOUT_S * 1000 + 8000);
  });

});

// No server timeout bounds a slow request body or a slow reader (see docs/deploy/README.md,
// "Slow clients"): these tests show that such clients cost nothing but their connection.
describe("slow clients that the server does not time out", () => {
  let sluice: SluiceProcess;

  beforeAll(async () => {
    sluice = await startSluice();
  });

  afterAll(async () => {
    await sluice.stop();
  });

  it("keeps serving fast clients while 60 uploads trickle their bodies", async () => {
    const slow = await Promise.all(Array.from({ length: SLOW_CLIENTS }, () => open(sluice.port)));
    try {
      for (const connection of slow) {
        connection.socket.write("POST /upload HTTP/1.1\r\nHost: slow.test\r\nContent-Length: 1000000\r\n\r\n");
        trickle(connection.socket, "b", 100);
      }
      for (let i = 0; i < 5; i++) expect(await timedHealthCheck(sluice.url)).toBeLessThan(FAST_ENOUGH_MS);
    } finally {
      for (const connection of slow) connection.socket.destroy();
    }
    // The app sees each abandoned upload end (http.disconnect) and the server stays healthy.
    expect(await timedHealthCheck(sluice.url)).toBeLessThan(FAST_ENOUGH_MS);
  });

  it("keeps serving fast clients, with bounded memory, while 60 clients do not read 16 MiB responses", async () => {
    const before = jsonOf<{ memory: NodeJS.MemoryUsage }>(await request(`${sluice.url}/gc`)).memory;
    const slow = await Promise.all(Array.from({ length: SLOW_CLIENTS }, () => open(sluice.port)));
    try {
      for (const connection of slow) {
        connection.socket.pause();
        connection.socket.write(`GET /big?bytes=${16 * 1024 * 1024} HTTP/1.1\r\nHost: slow.test\r\n\r\n`);
      }
      // Every reader received the start of its response (so each response is under way)
      // before the fast client asks; the event is the first byte arriving on each socket.
      await Promise.all(
        slow.map(
          (connection) =>
            new Promise<void>((resolve) => {
              connection.socket.once("readable", () => resolve());
            }),
        ),
      );
      const latencies: number[] = [];
      for (let i = 0; i < 5; i++) latencies.push(await timedHealthCheck(sluice.url));
      console.log(`fast client latencies with ${SLOW_CLIENTS} slow readers: ${latencies.map((ms) => ms.toFixed(0)).join(", ")} ms`);
      for (const ms of latencies) expect(ms).toBeLessThan(FAST_ENOUGH_MS);
      const during = jsonOf<{ memory: NodeJS.MemoryUsage }>(await request(`${sluice.url}/gc`)).memory;
      // 60 × 16 MiB = 960 MiB would be buffered without backpressure; the server holds only
      // what fits in socket buffers and one chunk per response.
      expect(during.rss - before.rss).toBeLessThan(128 * 1024 * 1024);
      expect(during.arrayBuffers - before.arrayBuffers).toBeLessThan(64 * 1024 * 1024);
    } finally {
      for (const connection of slow) connection.socket.destroy();
    }
    expect(await timedHealthCheck(sluice.url)).toBeLessThan(FAST_ENOUGH_MS);
  });
});
