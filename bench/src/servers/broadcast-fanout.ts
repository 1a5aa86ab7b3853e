// Fan-out throughput of @sluice/broadcast: one publisher, 100 subscribers, 64-byte messages.
// BACKEND=memory|cluster|redis chooses the backend. The program answers GET /run?seconds=N
// with {"messagesPerSecond": delivered messages per second summed over all subscribers}.
// cluster: a primary with two workers (50 subscribers each, the publisher in the first);
// redis: a redis-server this program starts on a free port.
import { spawn, type ChildProcess } from "node:child_process";
import cluster from "node:cluster";
import { once } from "node:events";
import http from "node:http";
import net from "node:net";
import { createBroadcast, installClusterRelay, type Broadcast } from "@sluice/broadcast";
import { announce } from "./announce.js";

const SUBSCRIBERS = 100;
const MESSAGE = "x".repeat(64);
const backend = process.env.BACKEND ?? "memory";

/** Runs subscribers (and optionally the publisher) for `seconds`; returns messages delivered. */
async function fanOut(broadcast: Broadcast, subscribers: number, publish: boolean, seconds: number): Promise<number> {
  let delivered = 0;
  const subs = Array.from({ length: subscribers }, () => broadcast.subscribe("fanout", { maxQueue: 1_000_000 }));
  await Promise.all(subs.map((s) => s.ready));
  const readers = subs.map(async (sub) => {
    for await (const _ of sub) delivered++;
  });
  const deadline = Date.now() + seconds * 1000;
  if (publish) {
    while (Date.now() < deadline) {
      for (let i = 0; i < 50; i++) await broadcast.publish("fanout", MESSAGE);
      await new Promise((resolve) => setImmediate(resolve));
    }
  } else {
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  }
  const count = delivered;
  await Promise.all(subs.map((s) => s.unsubscribe()));
  await Promise.all(readers);
  return count;
}

async function freePort(): Promise<number> {
  const probe = net.createServer().listen(0, "127.0.0.1");
  await once(probe, "listening");
  const port = (probe.address() as net.AddressInfo).port;
  probe.close();
  return port;
}

async function startRedis(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: ["ignore", "pipe", "inherit"] });
  let output = "";
  await new Promise<void>((resolve) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) resolve();
    });
  });
  process.on("exit", () => child.kill("SIGKILL"));
  return { url: `redis://127.0.0.1:${port}`, child };
}

function controlServer(run: (seconds: number) => Promise<number>): void {
  const server = http.createServer((req, res) => {
    const seconds = Number(new URL(req.url ?? "/", "http://x").searchParams.get("seconds") ?? "3");
    run(seconds).then(
      (delivered) => res.end(JSON.stringify({ messagesPerSecond: delivered / seconds })),
      (error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      },
    );
  });
  server.listen(0, "127.0.0.1", () => announce((server.address() as net.AddressInfo).port));
}

/** Resolves with the next IPC message from `worker` that has `key` (relay traffic is skipped). */
function nextMessage<T>(worker: import("node:cluster").Worker, key: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (message: Record<string, unknown>): void => {
      if (!(key in message)) return;
      worker.off("message", onMessage);
      resolve(message as T);
    };
    worker.on("message", onMessage);
  });
}

if (backend === "cluster" && cluster.isPrimary) {
  installClusterRelay(cluster);
  const workers = [cluster.fork(), cluster.fork()];
  await Promise.all(workers.map((w) => nextMessage(w, "ready")));
  controlServer(async (seconds) => {
    const counts = workers.map((w) => nextMessage<{ delivered: number }>(w, "delivered"));
    workers[1]?.send({ run: seconds, publish: false });
    workers[0]?.send({ run: seconds, publish: true });
    return (await Promise.all(counts)).reduce((sum, m) => sum + m.delivered, 0);
  });
  process.on("SIGTERM", () => process.exit(0));
} else if (backend === "cluster") {
  process.on("disconnect", () => process.exit(0)); // the primary went away
  const broadcast = await createBroadcast("cluster://");
  process.on("message", (message: { run?: number; publish?: boolean }) => {
    if (message.run === undefined) return;
    void fanOut(broadcast, SUBSCRIBERS / 2, message.publish === true, message.run).then((delivered) => process.send?.({ delivered }));
  });
  process.send?.({ ready: true });
} else {
  const url = backend === "redis" ? (await startRedis()).url : "memory://";
  const publisher = await createBroadcast(url);
  const subscriber = backend === "redis" ? await createBroadcast(url) : publisher;
  controlServer(async (seconds) => {
    if (subscriber === publisher) return fanOut(publisher, SUBSCRIBERS, true, seconds);
    const [delivered] = await Promise.all([fanOut(subscriber, SUBSCRIBERS, false, seconds), publishFor(publisher, seconds)]);
    return delivered;
  });
}

async function publishFor(broadcast: Broadcast, seconds: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 50)); // let the subscriber side subscribe first
  const deadline = Date.now() + seconds * 1000 - 50;
  while (Date.now() < deadline) {
    for (let i = 0; i < 50; i++) await broadcast.publish("fanout", MESSAGE);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
