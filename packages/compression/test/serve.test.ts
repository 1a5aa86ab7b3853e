import { mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { App } from "@sluice/core";
import { serve } from "@sluice/server";
import { compression } from "../src/index.js";
import { compressionWith } from "../src/internal/middleware.js";
import { failingCodec, garbage, validPrefix } from "./codec-failure.js";
import { createDecoder, jsonBody, oneShotApp } from "./helpers.js";

type RunningServer = Awaited<ReturnType<typeof serve>>;
const servers: RunningServer[] = [];

async function start(app: App): Promise<RunningServer> {
  const server = await serve(app, { host: "127.0.0.1", port: 0, accessLog: false, lifespan: "off" });
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** GETs `url` with raw node:http (no automatic decoding). */
function get(url: string, headers: Record<string, string>): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers, agent: false }, resolve).on("error", reject);
  });
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe("through a real server", () => {
  it.each(["gzip", "br", "deflate"])("delivers the first %s-encoded server-sent event while the stream stays open", async (encoding) => {
    const firstEventDecoded = deferred();
    let streamStillOpenWhenDecoded = false;
    let appFinished = false;
    const app: App = async (_scope, _receive, send) => {
      await send({ type: "http.response.start", status: 200, headers: [["content-type", "text/event-stream"], ["cache-control", "no-cache"]] });
      await send({ type: "http.response.body", body: Buffer.from("data: first\n\n"), more_body: true });
      // The app produces nothing more until the client has decoded the first event.
      await firstEventDecoded.promise;
      await send({ type: "http.response.body", body: Buffer.from("data: second\n\n"), more_body: true });
      await send({ type: "http.response.body", more_body: false });
      appFinished = true;
    };
    const server = await start(compression()(app));
    const response = await get(server.url, { "accept-encoding": encoding });
    expect(response.headers["content-encoding"]).toBe(encoding);
    expect(response.headers["vary"]).toBe("Accept-Encoding");

    const decoder = createDecoder(encoding);
    let text = "";
    decoder.on("data", (data: Buffer) => {
      text += data.toString();
      if (text.includes("data: first\n\n") && !text.includes("second")) {
        streamStillOpenWhenDecoded = !appFinished && !response.complete;
        firstEventDecoded.resolve();
      }
    });
    const ended = new Promise((resolve, reject) => decoder.on("end", resolve).on("error", reject));
    response.pipe(decoder);
    await ended;
    expect(streamStillOpenWhenDecoded).toBe(true);
    expect(text).toBe("data: first\n\ndata: second\n\n");
  });

  it("serves a 100 KiB JSON body that fetch decodes transparently", async () => {
    const body = jsonBody(100 * 1024);
    const server = await start(compression()(oneShotApp(body)));
    const response = await fetch(server.url, { headers: { "accept-encoding": "br, gzip" } });
    expect(response.headers.get("content-encoding")).toBe("br");
    expect(response.headers.get("content-length")).not.toBe(String(body.length));
    expect(Buffer.from(await response.arrayBuffer()).equals(body)).toBe(true);
  });

  it("encodes a file the app sends with pathsend", async () => {
    const content = Buffer.from("body { color: rebeccapurple; }\n".repeat(4000));
    const dir = await mkdtemp(path.join(tmpdir(), "sluice-compression-serve-"));
    try {
      const file = path.join(dir, "site.css");
      await writeFile(file, content);
      const app: App = async (scope, _receive, send) => {
        if (scope.type !== "http" || scope.extensions?.["http.response.pathsend"] === undefined) throw new Error("server offers no pathsend");
        await send({ type: "http.response.start", status: 200, headers: [["content-type", "text/css"], ["content-length", String(content.length)]] });
        await send({ type: "http.response.pathsend", path: file });
      };
      const server = await start(compression()(app));
      const response = await fetch(server.url, { headers: { "accept-encoding": "gzip" } });
      expect(response.headers.get("content-encoding")).toBe("gzip");
      expect(Buffer.from(await response.arrayBuffer()).equals(content)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("answers 406 on the wire when the client refuses identity and every offered coding", async () => {
    const server = await start(compression()(oneShotApp(jsonBody(4096))));
    const response = await fetch(server.url, { headers: { "accept-encoding": "identity;q=0, lzma" } });
    expect(response.status).toBe(406);
    expect(await response.text()).toContain("406 Not Acceptable");
  });

  it("closes the connection when zlib fails mid-stream, and the server keeps serving", async () => {
    const app: App = async (_scope, _receive, send) => {
      await send({ type: "http.response.start", status: 200, headers: [["content-type", "text/plain"]] });
      await send({ type: "http.response.body", body: validPrefix, more_body: true });
      await send({ type: "http.response.body", body: garbage, more_body: true });
      await send({ type: "http.response.body", more_body: false });
    };
    const server = await start(compressionWith({ codecs: [failingCodec], minimumSize: 0, filter: () => true })(app));
    const response = await get(server.url, { "accept-encoding": "gzip" });
    expect(response.statusCode).toBe(200);
    const outcome = await new Promise<string>((resolve) => {
      response.on("end", () => resolve("ended"));
      response.on("error", () => resolve("aborted"));
      response.on("close", () => resolve(response.complete ? "ended" : "aborted"));
      response.resume();
    });
    expect(outcome).toBe("aborted");

    const healthy = await fetch(server.url.replace(/\/?$/, "/"), { headers: { "accept-encoding": "identity" } });
    expect(healthy.status).toBe(200);
    await healthy.arrayBuffer();
  });
});

describe("memory through a real server", () => {
  it("streams 256 MiB over a socket to a decoding client with server memory staying flat", async () => {
    const CHUNK = 256 * 1024;
    const TOTAL = 256 * 1024 * 1024;
    const line = "2026-11-22T10:00:00Z INFO request handled path=/api/items status=200\n";
    const template = Buffer.from(line.repeat(Math.ceil(CHUNK / line.length)).slice(0, CHUNK));
    let baseline = 0;
    let peakGrowth = 0;
    const app: App = async (_scope, _receive, send) => {
      await send({ type: "http.response.start", status: 200, headers: [["content-type", "text/plain"]] });
      for (let i = 0; i < TOTAL / CHUNK; i++) {
        const chunk = Buffer.from(template);
        chunk.write(String(i).padStart(10, "0"), 0, "latin1");
        await send({ type: "http.response.body", body: chunk, more_body: true });
        if (i === 64) baseline = process.memoryUsage().rss;
        if (i > 64 && i % 64 === 0) peakGrowth = Math.max(peakGrowth, process.memoryUsage().rss - baseline);
      }
      await send({ type: "http.response.body", more_body: false });
    };
    const server = await start(compression({ levels: { gzip: 1 } })(app));
    const response = await get(server.url, { "accept-encoding": "gzip" });
    const decoder = createDecoder("gzip");
    let decoded = 0;
    decoder.on("data", (data: Buffer) => {
      decoded += data.length;
    });
    const ended = new Promise((resolve, reject) => decoder.on("end", resolve).on("error", reject));
    response.pipe(decoder);
    await ended;
    expect(decoded).toBe(TOTAL);
    expect(peakGrowth).toBeLessThan(64 * 1024 * 1024);
  });
});
