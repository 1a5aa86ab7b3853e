import { describe, expect, it } from "vitest";
import type { App, Headers } from "@sluice/core";
import { compression } from "../src/index.js";
import { httpScope, jsonBody, oneShotApp, run, streamingApp } from "./helpers.js";

const body = jsonBody(8 * 1024);
const gzipScope = httpScope([["accept-encoding", "gzip"]]);

async function expectUnencoded(app: App, scope = gzipScope): Promise<Headers> {
  const response = await run(compression()(app), scope);
  expect(response.header("content-encoding")).toBeUndefined();
  return response.headers;
}

describe("responses left unencoded", () => {
  it("leaves a HEAD response unencoded", async () => {
    const response = await run(compression()(oneShotApp(new Uint8Array(), [["content-type", "application/json"], ["content-length", "8192"]])), httpScope([["accept-encoding", "gzip"]], "HEAD"));
    expect(response.header("content-encoding")).toBeUndefined();
    expect(response.header("content-length")).toBe("8192");
  });

  it.each([204, 206, 304, 103])("leaves a %i response unencoded", async (status) => {
    const response = await run(compression()(oneShotApp(status === 206 ? body : new Uint8Array(), [["content-type", "application/json"]], status)), gzipScope);
    expect(response.status).toBe(status);
    expect(response.header("content-encoding")).toBeUndefined();
  });

  it("leaves a 206 partial body byte-for-byte as the app sent it", async () => {
    const response = await run(compression()(oneShotApp(body, [["content-type", "application/json"], ["content-range", `bytes 0-8191/20000`]], 206)), gzipScope);
    expect(response.body.equals(body)).toBe(true);
  });

  it("leaves a response that already has a Content-Encoding alone", async () => {
    const app = oneShotApp(body, [["content-type", "application/json"], ["content-encoding", "br"]]);
    const response = await run(compression()(app), gzipScope);
    expect(response.header("content-encoding")).toBe("br");
    expect(response.body.equals(body)).toBe(true);
  });

  it("leaves a response with Cache-Control: no-transform unencoded and without Vary", async () => {
    const headers = await expectUnencoded(oneShotApp(body, [["content-type", "application/json"], ["cache-control", "public, No-Transform"]]));
    expect(headers.some(([name]) => name === "vary")).toBe(false);
  });

  it("leaves a non-compressible type unencoded", async () => {
    await expectUnencoded(oneShotApp(body, [["content-type", "image/png"]]));
  });

  it("leaves a response without Content-Type unencoded", async () => {
    await expectUnencoded(oneShotApp(body, []));
  });

  it("leaves a one-message body under minimumSize unencoded", async () => {
    await expectUnencoded(oneShotApp(Buffer.alloc(1023, "a"), [["content-type", "text/plain"]]));
  });

  it("encodes a one-message body of exactly minimumSize", async () => {
    const response = await run(compression({ minimumSize: 1000 })(oneShotApp(Buffer.alloc(1000, "a"), [["content-type", "text/plain"]])), gzipScope);
    expect(response.header("content-encoding")).toBe("gzip");
  });

  it("leaves a streamed body unencoded when its Content-Length is under minimumSize", async () => {
    const app = streamingApp([Buffer.from("a".repeat(100))], [["content-type", "text/plain"], ["content-length", "100"]]);
    await expectUnencoded(app);
  });

  it("encodes a streamed body whose first chunk is small when the total length is unknown", async () => {
    const response = await run(compression()(streamingApp([Buffer.from("data: 1\n\n")])), gzipScope);
    expect(response.header("content-encoding")).toBe("gzip");
  });

  it("uses the custom filter when one is given", async () => {
    const response = await run(compression({ filter: (type) => type === "image/png" })(oneShotApp(body, [["content-type", "image/png"]])), gzipScope);
    expect(response.header("content-encoding")).toBe("gzip");
  });

  it("passes a zerocopysend response through unencoded", async () => {
    const app: App = async (_scope, _receive, send) => {
      await send({ type: "http.response.start", status: 200, headers: [["content-type", "text/html"]] });
      await send({ type: "http.response.zerocopysend", file: 3, count: 10 });
    };
    const response = await run(compression()(app), gzipScope);
    expect(response.header("content-encoding")).toBeUndefined();
    expect(response.events[1]).toEqual({ type: "http.response.zerocopysend", file: 3, count: 10 });
  });

  it("leaves a response unencoded when the client sends no Accept-Encoding", async () => {
    await expectUnencoded(oneShotApp(body), httpScope([]));
  });

  it("passes non-HTTP scopes to the app untouched", async () => {
    let seen = "";
    const app: App = (scope) => {
      seen = scope.type;
      return Promise.resolve();
    };
    await compression()(app)({ type: "lifespan", asgi: { version: "3.0" } }, () => Promise.resolve({ type: "lifespan.startup" }), () => Promise.resolve());
    expect(seen).toBe("lifespan");
  });
});
