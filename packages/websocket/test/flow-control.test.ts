import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { connect, deferred, startServer, waitForStall, waitUntil, websocketApp, type TestServer } from "./helpers.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const MiB = 1024 * 1024;

function memory(): number {
  const usage = process.memoryUsage();
  return usage.arrayBuffers;
}

/** Tracks the highest value of memory() seen while running. */
function peakWatcher(): { stop(): number } {
  let peak = memory();
  const timer = setInterval(() => {
    peak = Math.max(peak, memory());
  }, 10);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, memory());
    },
  };
}

/** Sends `count` binary messages of `size` bytes, never letting the client buffer more than 1 MiB. */
function flood(client: WebSocket, count: number, size: number): { flushed: () => number; done: Promise<void> } {
  let flushed = 0;
  const payload = Buffer.alloc(size, 0x61);
  const done = (async () => {
    for (let i = 0; i < count; i++) {
      payload.writeUInt32BE(i, 0);
      const written = new Promise<void>((resolve, reject) => {
        client.send(payload, { binary: true }, (error) => {
          if (error) reject(error);
          else {
            flushed += 1;
            resolve();
          }
        });
      });
      if (client.bufferedAmount > MiB) await written;
      else written.catch(() => {});
    }
  })();
  return { flushed: () => flushed, done };
}

describe("flow control", () => {
  it("stops reading from a flooding client while the app is not receiving, keeping memory flat", async () => {
    const count = 4096;
    const size = 64 * 1024; // 256 MiB in total
    const startReading = deferred();
    const readAll = deferred<{ received: number; inOrder: boolean }>();
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        await send({ type: "websocket.accept" });
        await startReading.promise;
        let received = 0;
        let inOrder = true;
        while (received < count) {
          const event = await receive();
          if (event.type !== "websocket.receive" || !event.bytes) break;
          if (Buffer.from(event.bytes.buffer, event.bytes.byteOffset, 4).readUInt32BE(0) !== received) inOrder = false;
          received += 1;
        }
        readAll.resolve({ received, inOrder });
      }),
      { pingInterval: 0 },
    );
    const client = await connect(server.url);
    const baseline = memory();
    const sender = flood(client, count, size);
    const serverSocket = server.sockets[0];
    let senderFinished = false;
    void sender.done.then(() => {
      senderFinished = true;
    });
    await waitUntil(() => serverSocket?.isPaused() === true || senderFinished, 20_000, "the server to pause reading");
    await waitForStall(sender.flushed);
    const flushedWhileBlocked = sender.flushed() * size;
    const growthWhileBlocked = memory() - baseline;
    expect(senderFinished).toBe(false);
    // Queue (16 messages = 1 MiB) plus what the kernel's socket buffers hold.
    expect(flushedWhileBlocked).toBeLessThan(48 * MiB);
    expect(growthWhileBlocked).toBeLessThan(48 * MiB);

    const watcher = peakWatcher();
    startReading.resolve();
    const result = await readAll.promise;
    await sender.done;
    const peakGrowth = watcher.stop() - baseline;
    expect(result).toEqual({ received: count, inOrder: true });
    expect(peakGrowth).toBeLessThan(64 * MiB);
    client.close();
  });

  it("does not drop a flooding client for missed pongs while the app leaves it paused", async () => {
    const startReading = deferred();
    const firstEvent = deferred<string>();
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        await send({ type: "websocket.accept" });
        await startReading.promise;
        firstEvent.resolve((await receive()).type);
        for (;;) if ((await receive()).type === "websocket.disconnect") return;
      }),
      { pingInterval: 20, pingTimeout: 40 },
    );
    const client = await connect(server.url);
    const sender = flood(client, 2048, 64 * 1024);
    sender.done.catch(() => {}); // ends with a write error when the client is terminated below
    const serverSocket = server.sockets[0];
    await waitUntil(() => serverSocket?.isPaused() === true, 20_000, "the server to pause reading");
    await waitForStall(sender.flushed, 300);
    expect(client.readyState).toBe(WebSocket.OPEN);
    startReading.resolve();
    expect(await firstEvent.promise).toBe("websocket.receive");
    client.terminate();
  });

  it("makes send() wait for a slow reader instead of buffering, then delivers everything", async () => {
    const count = 8192;
    const size = 16 * 1024; // 128 MiB in total
    let completed = 0;
    const allSent = deferred();
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        await send({ type: "websocket.accept" });
        const payload = new Uint8Array(size);
        for (let i = 0; i < count; i++) {
          await send({ type: "websocket.send", bytes: payload });
          completed += 1;
        }
        allSent.resolve();
        for (;;) if ((await receive()).type === "websocket.disconnect") return;
      }),
      { pingInterval: 0 },
    );
    // Count from the very start: messages can arrive in the same packet as the 101.
    const client = new WebSocket(server.url);
    let received = 0;
    const everything = new Promise<void>((resolve) => {
      client.on("message", () => {
        received += 1;
        if (received === count) resolve();
      });
    });
    await new Promise((resolve) => client.once("open", resolve));
    client.pause();
    const baseline = memory();
    await waitForStall(() => completed);
    const sentWhileStalled = completed * size;
    expect(completed).toBeLessThan(count);
    // The high-water mark (64 KiB) plus the kernel's socket buffers on both sides.
    expect(sentWhileStalled).toBeLessThan(48 * MiB);
    expect(memory() - baseline).toBeLessThan(48 * MiB);

    const watcher = peakWatcher();
    client.resume();
    await everything;
    await allSent.promise;
    expect(watcher.stop() - baseline).toBeLessThan(64 * MiB);
    expect(received).toBe(count);
    client.close();
  });
});
