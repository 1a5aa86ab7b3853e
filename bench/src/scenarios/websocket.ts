// @sluice/websocket vs raw `ws`, both on node:http: echo throughput and memory per idle connection.
import type { Scenario, Target } from "../harness.js";
import { WebSocket } from "ws";

const contenders = [
  { name: "sluice", server: "websocket-sluice.ts" },
  { name: "ws on node:http", server: "websocket-ws.ts" },
];
const baseline = "ws on node:http";

/** Messages each connection keeps in flight during the echo measurement. */
const WINDOW = 8;

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
  });
}

/** Opens `count` connections, `batch` at a time. */
async function openMany(url: string, count: number, batch: number): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  for (let i = 0; i < count; i += batch) {
    sockets.push(...(await Promise.all(Array.from({ length: Math.min(batch, count - i) }, () => open(url)))));
  }
  return sockets;
}

function closeAll(sockets: WebSocket[]): Promise<void> {
  return Promise.all(
    sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) {
            resolve();
            return;
          }
          ws.once("close", () => resolve());
          ws.terminate();
        }),
    ),
  ).then(() => undefined);
}

/**
 * 50 connections, each keeping WINDOW messages of `size` bytes in flight (a new one goes out
 * when an echo comes back), for the duration. Reports echoed messages per second.
 */
function echoThroughput(size: number, binary: boolean): Scenario["measure"] {
  return async (target: Target, options) => {
    const url = target.url.replace(/^http/, "ws") + "/echo";
    const sockets = await openMany(url, 50, 50);
    const payload = binary ? Buffer.alloc(size, 0x5a) : "x".repeat(size);
    let echoed = 0;
    let running = true;
    for (const ws of sockets) {
      ws.on("message", () => {
        echoed += 1;
        if (running) ws.send(payload, { binary });
      });
    }
    // Warm up briefly, then count over the measured window.
    for (const ws of sockets) for (let i = 0; i < WINDOW; i++) ws.send(payload, { binary });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const cpuBefore = await serverCpu(target);
    const startCount = echoed;
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, options.durationSeconds * 1000));
    const elapsed = (performance.now() - started) / 1000;
    const messages = echoed - startCount;
    const cpuAfter = await serverCpu(target);
    running = false;
    await closeAll(sockets);
    return {
      messagesPerSecond: messages / elapsed,
      megabytesPerSecond: (messages * size) / elapsed / 1_048_576,
      serverCpuMicrosPerMessage: (cpuAfter - cpuBefore) / messages,
    };
  };
}

/** CPU time (user + system, µs) the server process has used so far. */
async function serverCpu(target: Target): Promise<number> {
  const response = await fetch(`${target.url}/cpu`);
  return ((await response.json()) as { micros: number }).micros;
}

async function serverMemory(target: Target): Promise<{ rss: number; heapUsed: number; external: number; arrayBuffers: number }> {
  const response = await fetch(`${target.url}/memory`);
  return (await response.json()) as { rss: number; heapUsed: number; external: number; arrayBuffers: number };
}

/** Server memory growth per open idle connection, read inside the server process after a full GC. */
function idleMemory(connections: number): Scenario["measure"] {
  return async (target: Target) => {
    const url = target.url.replace(/^http/, "ws") + "/idle";
    // One connection first so lazily built machinery is not counted per connection.
    const warm = await openMany(url, 1, 1);
    const before = await serverMemory(target);
    const sockets = await openMany(url, connections, 250);
    const after = await serverMemory(target);
    await closeAll([...warm, ...sockets]);
    return {
      bytesPerConnection: (after.rss - before.rss) / connections,
      heapBytesPerConnection: (after.heapUsed - before.heapUsed) / connections,
      connections,
    };
  };
}

export const scenarios: Scenario[] = [
  {
    name: "websocket-echo-64b",
    title: "WebSocket echo, 64 B text messages, 50 connections × 8 in flight",
    baseline,
    contenders,
    metric: { name: "messagesPerSecond", unit: "msg/s", higherIsBetter: true },
    target: 0.9,
    measure: echoThroughput(64, false),
  },
  {
    name: "websocket-echo-16k",
    title: "WebSocket echo, 16 KiB binary messages, 50 connections × 8 in flight",
    baseline,
    contenders,
    metric: { name: "messagesPerSecond", unit: "msg/s", higherIsBetter: true },
    target: 0.9,
    measure: echoThroughput(16 * 1024, true),
  },
  {
    name: "websocket-idle-memory",
    title: "Server memory per idle WebSocket connection (RSS growth over 5,000 connections)",
    baseline,
    contenders,
    metric: { name: "bytesPerConnection", unit: "B/conn", higherIsBetter: false },
    target: 1 / 1.25,
    measure: idleMemory(5000),
  },
];
