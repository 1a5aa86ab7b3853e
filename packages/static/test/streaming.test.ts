import { readdir, readlink, truncate, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { ClientDisconnected, type App, type HTTPSendEvent, type SendEvent } from "@sluice/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StaticFileChangedError, staticFiles } from "../src/index.js";
import { header, startClient } from "./support/client.js";
import { startApp } from "./support/server.js";
import { callApp, hidePathsend, httpScope, innerApp } from "./support/in-process.js";
import { createTempTree, type TempTree } from "./support/temp-tree.js";
import { CHUNK_SIZE } from "../src/internal/file-body.js";

let tree: TempTree;
const GIB = 1024 * 1024 * 1024;
const MIB = 1024 * 1024;

beforeAll(async () => {
  tree = await createTempTree("streaming");
  await writeFile(tree.path("huge.bin"), "");
  await truncate(tree.path("huge.bin"), GIB);
  await tree.write("four-mib.bin", Buffer.alloc(4 * MIB, 7));
  await tree.write("small.txt", "small file");
  await tree.write("large.bin", Buffer.alloc(CHUNK_SIZE + 1, 3));
});

afterAll(async () => {
  await tree.remove();
});

/** How many descriptors of this process currently refer to `path`. */
async function descriptorsOpenOn(path: string): Promise<number> {
  let count = 0;
  for (const entry of await readdir("/proc/self/fd")) {
    const target = await readlink(`/proc/self/fd/${entry}`).catch(() => "");
    if (target === path) count++;
  }
  return count;
}

describe("streaming", () => {
  it.each([
    ["streamed by the middleware", true],
    ["handed to the server with pathsend", false],
  ])("serves a 1 GiB file with flat memory when %s", async (_label, hide) => {
    const app = staticFiles({ directory: tree.root })(innerApp);
    const client = await startClient(hide ? hidePathsend(app) : app);
    try {
      const baseline = process.memoryUsage();
      let peakArrayBuffers = baseline.arrayBuffers;
      let peakRss = baseline.rss;
      let received = 0;
      // The client counts and discards bytes; memory is sampled every 16 MiB as they flow.
      const response = await client.requestStreaming("/huge.bin", (chunk) => {
        received += chunk.length;
        if (received % (16 * MIB) < chunk.length) {
          const usage = process.memoryUsage();
          peakArrayBuffers = Math.max(peakArrayBuffers, usage.arrayBuffers);
          peakRss = Math.max(peakRss, usage.rss);
        }
      });
      expect(response.status).toBe(200);
      expect(header(response, "content-length")).toBe(String(GIB));
      expect(received).toBe(GIB);
      expect(peakArrayBuffers - baseline.arrayBuffers).toBeLessThan(64 * MIB);
      expect(peakRss - baseline.rss).toBeLessThan(128 * MIB);
    } finally {
      await client.close();
    }
  });

  it("streams a large range of a 1 GiB file with flat memory", async () => {
    const client = await startClient(staticFiles({ directory: tree.root })(innerApp));
    try {
      const baseline = process.memoryUsage().arrayBuffers;
      let peak = baseline;
      let received = 0;
      const response = await client.requestStreaming("/huge.bin", (chunk) => {
        received += chunk.length;
        peak = Math.max(peak, process.memoryUsage().arrayBuffers);
      }, { range: `bytes=${GIB - 256 * MIB}-` });
      expect(response.status).toBe(206);
      expect(received).toBe(256 * MIB);
      expect(peak - baseline).toBeLessThan(64 * MIB);
    } finally {
      await client.close();
    }
  });

  it("waits for each send() before reading the next chunk", async () => {
    const app = staticFiles({ directory: tree.root })(innerApp);
    let outstanding = 0;
    let maxOutstanding = 0;
    let bodyBytes = 0;
    let largestChunk = 0;
    const progress = { finished: false };
    // Each send() parks here until the test releases it, as a socket that is slow to drain would.
    const parked: Array<() => void> = [];
    let wakeTest: (() => void) | undefined;
    const done = app(
      httpScope({ path: "/four-mib.bin" }),
      () => Promise.resolve({ type: "http.request", body: new Uint8Array(0), more_body: false }),
      (event: SendEvent) => {
        const httpEvent = event as HTTPSendEvent;
        if (httpEvent.type === "http.response.body") {
          bodyBytes += httpEvent.body?.length ?? 0;
          largestChunk = Math.max(largestChunk, httpEvent.body?.length ?? 0);
          if (httpEvent.more_body !== true) progress.finished = true;
        }
        outstanding++;
        maxOutstanding = Math.max(maxOutstanding, outstanding);
        return new Promise<void>((resolve) => {
          parked.push(() => {
            outstanding--;
            resolve();
          });
          wakeTest?.();
        });
      },
    );
    let released = 0;
    while (!progress.finished || parked.length > 0) {
      if (parked.length === 0) await new Promise<void>((resolve) => (wakeTest = resolve));
      parked.shift()?.();
      released++;
    }
    await done;
    expect(bodyBytes).toBe(4 * MIB);
    expect(maxOutstanding).toBe(1);
    expect(largestChunk).toBeLessThanOrEqual(CHUNK_SIZE);
    expect(released).toBeGreaterThan((4 * MIB) / CHUNK_SIZE);
  });

  it("stops reading and closes the file when the client disconnects", async () => {
    const app = staticFiles({ directory: tree.root })(innerApp);
    let bodies = 0;
    const outcome = app(httpScope({ path: "/four-mib.bin" }), () => Promise.resolve({ type: "http.disconnect" }), (event: SendEvent) => {
      if (event.type === "http.response.body" && ++bodies === 3) return Promise.reject(new ClientDisconnected());
      return Promise.resolve();
    });
    await expect(outcome).rejects.toBeInstanceOf(ClientDisconnected);
    expect(bodies).toBe(3);
    expect(await descriptorsOpenOn(tree.path("four-mib.bin"))).toBe(0);
  });

  it("stops streaming and closes the file when a real client hangs up mid-body", async () => {
    const served = staticFiles({ directory: tree.root })(innerApp);
    let appSettled!: (outcome: string) => void;
    const settled = new Promise<string>((resolve) => (appSettled = resolve));
    const app: App = async (scope, receive, send) => {
      try {
        await served(scope, receive, send);
        appSettled("completed");
      } catch (error) {
        appSettled(error instanceof ClientDisconnected ? "client disconnected" : String(error));
        throw error;
      }
    };
    const running = await startApp(hidePathsend(app));
    try {
      const socket = connect(running.port, "127.0.0.1");
      socket.write("GET /huge.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      let received = 0;
      await new Promise<void>((resolve) => {
        socket.on("data", (chunk: Buffer) => {
          received += chunk.length;
          if (received >= 4 * MIB) {
            socket.destroy();
            resolve();
          }
        });
      });
      expect(await settled).toBe("client disconnected");
      expect(received).toBeLessThan(GIB);
      expect(await descriptorsOpenOn(tree.path("huge.bin"))).toBe(0);
    } finally {
      await running.close();
    }
  });

  it("fails with StaticFileChangedError when the file shrinks while being sent", async () => {
    await tree.write("shrinking.bin", Buffer.alloc(2 * MIB, 1));
    const app = staticFiles({ directory: tree.root })(innerApp);
    let bodies = 0;
    const outcome = app(httpScope({ path: "/shrinking.bin" }), () => Promise.resolve({ type: "http.disconnect" }), async (event: SendEvent) => {
      if (event.type === "http.response.body" && ++bodies === 1) await truncate(tree.path("shrinking.bin"), 100_000);
    });
    await expect(outcome).rejects.toMatchObject({ code: "ERR_STATIC_FILE_CHANGED" });
    await expect(outcome).rejects.toBeInstanceOf(StaticFileChangedError);
  });
});

describe("http.response.pathsend", () => {
  const extensions = { "http.response.pathsend": {} };

  it("hands whole-file responses larger than one chunk to the server by path when advertised", async () => {
    const app = staticFiles({ directory: tree.root })(innerApp);
    const result = await callApp(app, httpScope({ path: "/large.bin", extensions }));
    expect(result.status).toBe(200);
    expect(result.events.map((event) => event.type)).toEqual(["http.response.start", "http.response.pathsend"]);
    expect(result.events[1]).toEqual({ type: "http.response.pathsend", path: tree.path("large.bin") });
    expect(result.headers).toContainEqual(["content-length", String(CHUNK_SIZE + 1)]);
  });

  it("sends a small whole file as one body message even when pathsend is advertised", async () => {
    const app = staticFiles({ directory: tree.root })(innerApp);
    const result = await callApp(app, httpScope({ path: "/small.txt", extensions }));
    expect(result.events.map((event) => event.type)).toEqual(["http.response.start", "http.response.body"]);
    expect(result.body.toString()).toBe("small file");
  });

  it("streams range responses itself even when pathsend is advertised", async () => {
    const app = staticFiles({ directory: tree.root })(innerApp);
    const result = await callApp(app, httpScope({ path: "/large.bin", extensions, headers: [["range", "bytes=0-4"]] }));
    expect(result.status).toBe(206);
    expect(result.events.some((event) => event.type === "http.response.pathsend")).toBe(false);
    expect(result.body.equals(Buffer.alloc(5, 3))).toBe(true);
  });

  it("sends no pathsend for HEAD", async () => {
    const app = staticFiles({ directory: tree.root })(innerApp);
    const result = await callApp(app, httpScope({ path: "/large.bin", method: "HEAD", extensions }));
    expect(result.events.map((event) => event.type)).toEqual(["http.response.start", "http.response.body"]);
  });

  it("streams bodies when the server does not advertise pathsend", async () => {
    const app = staticFiles({ directory: tree.root })(innerApp);
    const result = await callApp(app, httpScope({ path: "/large.bin" }));
    expect(result.events.some((event) => event.type === "http.response.pathsend")).toBe(false);
    expect(result.body.length).toBe(CHUNK_SIZE + 1);
  });
});
