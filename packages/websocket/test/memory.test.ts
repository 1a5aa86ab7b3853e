import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it } from "vitest";
import type { App } from "@sluice/core";
import { startServer, waitUntil, type TestServer } from "./helpers.js";

setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as () => void;

/** Heap in use after full garbage collections. */
function heapUsed(): number {
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}

// The clients run in their own process, so the heap measured here is the server's alone.
const CLIENTS = `
import { WebSocket } from "ws";
import { createInterface } from "node:readline";
const [url, warm, count] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
const open = () => new Promise((resolve, reject) => {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  ws.once("open", () => resolve(ws));
  ws.once("error", reject);
});
const sockets = await Promise.all(Array.from({ length: warm }, open));
console.log("warm");
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
await lines.next();
for (let i = 0; i < count; i += 100) {
  sockets.push(...(await Promise.all(Array.from({ length: Math.min(100, count - i) }, open))));
}
console.log("open");
await lines.next();
for (const ws of sockets) ws.terminate();
`;

let server: TestServer | undefined;
let clients: ChildProcess | undefined;

afterEach(async () => {
  clients?.kill();
  clients = undefined;
  await server?.close();
  server = undefined;
});

describe("memory", () => {
  it("keeps the server's heap per idle accepted connection under 4.25 KiB", async () => {
    // A first batch warms up (compiled code, lazily built tables) before the measured one.
    const warm = 100;
    const count = 1000;
    let waiting = 0;
    const idleApp: App = async (_scope, receive, send) => {
      await receive();
      await send({ type: "websocket.accept" });
      waiting += 1;
      // Idle: wait for the one event that ends the connection.
      await receive();
      waiting -= 1;
    };
    server = await startServer(idleApp);
    clients = spawn(process.execPath, ["--input-type=module", "-e", CLIENTS, `${server.url}/idle`, String(warm), String(count)], {
      cwd: new URL("..", import.meta.url),
      stdio: ["pipe", "pipe", "inherit"],
    });
    const lines = createInterface({ input: clients.stdout! })[Symbol.asyncIterator]();
    expect((await lines.next()).value).toBe("warm");
    await waitUntil(() => waiting === warm, 20_000, "the warm-up connections to be idle");
    const before = heapUsed();
    clients.stdin!.write("go\n");
    expect((await lines.next()).value).toBe("open");
    await waitUntil(() => waiting === warm + count, 20_000, "every connection to be idle");
    const perConnection = (heapUsed() - before) / count;
    clients.stdin!.end("done\n");
    await once(clients, "exit");
    clients = undefined;
    expect(perConnection).toBeLessThan(4.25 * 1024);
  });
});

