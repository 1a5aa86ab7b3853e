import { randomBytes } from "node:crypto";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import type { App, SendEvent } from "@sluice/core";
import { compression } from "../src/index.js";
import { collectInto, disconnected, httpScope, record } from "./helpers.js";

/** Decodes a possibly unfinished stream: whatever the bytes so far hold. */
function decodePrefix(encoding: string, data: Buffer): string {
  switch (encoding) {
    case "gzip":
      return zlib.gunzipSync(data, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString();
    case "deflate":
      return zlib.inflateSync(data, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString();
    default:
      return zlib.brotliDecompressSync(data, { finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH }).toString();
  }
}

const events = ["data: first\n\n", "data: second\n\n", "data: third\n\n"];

describe("streamed responses", () => {
  it.each(["gzip", "deflate", "br"])("delivers each %s-encoded body message as a decodable chunk before the app sends the next", async (encoding) => {
    const sent: SendEvent[] = [];
    const decodedAfterEachSend: string[] = [];
    const app: App = async (_scope, _receive, send) => {
      await send({ type: "http.response.start", status: 200, headers: [["content-type", "text/event-stream"]] });
      for (const event of events) {
        await send({ type: "http.response.body", body: Buffer.from(event), more_body: true });
        decodedAfterEachSend.push(decodePrefix(encoding, record(sent).body));
      }
      await send({ type: "http.response.body", more_body: false });
    };
    await compression()(app)(
      httpScope([["accept-encoding", encoding]]),
      disconnected,
      collectInto(sent),
    );
    expect(record(sent).header("content-encoding")).toBe(encoding);
    expect(decodedAfterEachSend).toEqual([events[0], events.slice(0, 2).join(""), events.join("")]);
  });

  it("ends the encoded stream with a single more_body: false message", async () => {
    const sent: SendEvent[] = [];
    const app: App = async (_scope, _receive, send) => {
      await send({ type: "http.response.start", status: 200, headers: [["content-type", "text/plain"]] });
      await send({ type: "http.response.body", body: Buffer.from("a".repeat(5000)), more_body: true });
      await send({ type: "http.response.body", body: Buffer.from("b".repeat(5000)), more_body: false });
    };
    await compression()(app)(httpScope([["accept-encoding", "gzip"]]), disconnected, collectInto(sent));
    const bodies = sent.filter((event) => event.type === "http.response.body");
    expect(bodies.filter((event) => event.more_body !== true)).toHaveLength(1);
    expect(bodies.at(-1)?.more_body).toBe(false);
    expect(zlib.gunzipSync(record(sent).body).toString()).toBe("a".repeat(5000) + "b".repeat(5000));
  });

  it("does not resolve the app's send until the downstream send of its chunk resolves", async () => {
    let releaseDownstream: () => void = () => undefined;
    let bodySendsStarted = 0;
    let appSendResolved = false;
    let reachedDownstream: () => void = () => undefined;
    const downstreamReached = new Promise<void>((resolve) => {
      reachedDownstream = resolve;
    });
    const app: App = async (_scope, _receive, send) => {
      await send({ type: "http.response.start", status: 200, headers: [["content-type", "text/plain"]] });
      await send({ type: "http.response.body", body: Buffer.from("x".repeat(4096)), more_body: true });
      appSendResolved = true;
      await send({ type: "http.response.body", more_body: false });
    };
    const done = compression()(app)(httpScope([["accept-encoding", "gzip"]]), disconnected, async (event) => {
      if (event.type !== "http.response.body") return;
      bodySendsStarted++;
      if (bodySendsStarted === 1) {
        reachedDownstream();
        await new Promise<void>((resolve) => {
          releaseDownstream = resolve;
        });
      }
    });
    await downstreamReached;
    // The middleware is now blocked in the first downstream body send; let pending microtasks and I/O run.
    await new Promise((resolve) => setImmediate(resolve));
    expect(appSendResolved).toBe(false);
    expect(bodySendsStarted).toBe(1);
    releaseDownstream();
    await done;
    expect(appSendResolved).toBe(true);
  });

  it("rejects the app's send with the downstream error when the client has gone, and stops encoding", async () => {
    const gone = new Error("client went away");
    let secondSendError: unknown;
    const app: App = async (_scope, _receive, send) => {
      await send({ type: "http.response.start", status: 200, headers: [["content-type", "text/plain"]] });
      await expect(send({ type: "http.response.body", body: Buffer.from("x".repeat(4096)), more_body: true })).rejects.toBe(gone);
      secondSendError = await send({ type: "http.response.body", body: Buffer.from("y"), more_body: true }).catch((error: unknown) => error);
    };
    await compression()(app)(httpScope([["accept-encoding", "br"]]), disconnected, (event) =>
      event.type === "http.response.body" ? Promise.reject(gone) : Promise.resolve(),
    );
    expect(secondSendError).toBe(gone);
  });

  it.each(["gzip", "br"])("passes a large incompressible %s-encoded message on in several pieces without losing bytes", async (encoding) => {
    const sent: SendEvent[] = [];
    const noise = randomBytes(1024 * 1024);
    const app: App = async (_scope, _receive, send) => {
      await send({ type: "http.response.start", status: 200, headers: [["content-type", "application/octet-stream"]] });
      await send({ type: "http.response.body", body: noise, more_body: true });
      await send({ type: "http.response.body", body: noise, more_body: false });
    };
    await compression({ filter: () => true })(app)(httpScope([["accept-encoding", encoding]]), disconnected, collectInto(sent));
    const bodies = sent.filter((event) => event.type === "http.response.body");
    expect(bodies.length).toBeGreaterThan(2);
    const decoded = encoding === "gzip" ? zlib.gunzipSync(record(sent).body) : zlib.brotliDecompressSync(record(sent).body);
    expect(decoded.equals(Buffer.concat([noise, noise]))).toBe(true);
  });

  it("forwards trailers after the encoded body", async () => {
    const sent: SendEvent[] = [];
    const app: App = async (_scope, _receive, send) => {
      await send({ type: "http.response.start", status: 200, headers: [["content-type", "text/plain"]], trailers: true });
      await send({ type: "http.response.body", body: Buffer.from("z".repeat(3000)), more_body: true });
      await send({ type: "http.response.body", more_body: false });
      await send({ type: "http.response.trailers", headers: [["x-sum", "1"]], more_trailers: false });
    };
    await compression()(app)(httpScope([["accept-encoding", "gzip"]]), disconnected, collectInto(sent));
    expect(sent.at(-1)).toEqual({ type: "http.response.trailers", headers: [["x-sum", "1"]], more_trailers: false });
    expect(zlib.gunzipSync(record(sent).body).toString()).toBe("z".repeat(3000));
  });
});
