import { describe, expect, it } from "vitest";
import { getHeaderValues, type Headers } from "@sluice/core";
import { compression } from "../src/index.js";
import { httpScope, jsonBody, oneShotApp, run, streamingApp } from "./helpers.js";

const body = jsonBody(8 * 1024);
const json: Headers = [["content-type", "application/json"]];
const gzipScope = httpScope([["accept-encoding", "gzip"]]);

describe("response headers", () => {
  it("adds Vary: Accept-Encoding to an encoded response", async () => {
    const response = await run(compression()(oneShotApp(body)), gzipScope);
    expect(response.header("vary")).toBe("Accept-Encoding");
  });

  it("adds Vary: Accept-Encoding when this client gets identity but another could get an encoding", async () => {
    const response = await run(compression()(oneShotApp(body)), httpScope([]));
    expect(response.header("content-encoding")).toBeUndefined();
    expect(response.header("vary")).toBe("Accept-Encoding");
  });

  it("adds Vary: Accept-Encoding to a compressible body under minimumSize", async () => {
    const response = await run(compression()(oneShotApp(Buffer.from("{}"))), gzipScope);
    expect(response.header("content-encoding")).toBeUndefined();
    expect(response.header("vary")).toBe("Accept-Encoding");
  });

  it("adds Vary: Accept-Encoding to a HEAD response of a compressible type", async () => {
    const response = await run(compression()(oneShotApp(new Uint8Array())), httpScope([["accept-encoding", "gzip"]], "HEAD"));
    expect(response.header("vary")).toBe("Accept-Encoding");
  });

  it("does not add Vary to a non-compressible type", async () => {
    const response = await run(compression()(oneShotApp(body, [["content-type", "image/png"]])), gzipScope);
    expect(response.header("vary")).toBeUndefined();
  });

  it("merges Accept-Encoding into an existing Vary field", async () => {
    const response = await run(compression()(oneShotApp(body, [...json, ["Vary", "Origin"]])), gzipScope);
    expect(getHeaderValues(response.headers, "vary")).toEqual(["Origin, Accept-Encoding"]);
  });

  it("does not repeat Accept-Encoding already present in Vary in another case", async () => {
    const response = await run(compression()(oneShotApp(body, [...json, ["vary", "accept-encoding, Cookie"]])), gzipScope);
    expect(getHeaderValues(response.headers, "vary")).toEqual(["accept-encoding, Cookie"]);
  });

  it("keeps Vary: * as it is", async () => {
    const response = await run(compression()(oneShotApp(body, [...json, ["vary", "*"]])), gzipScope);
    expect(getHeaderValues(response.headers, "vary")).toEqual(["*"]);
  });

  it("makes a strong ETag weak on an encoded response", async () => {
    const response = await run(compression()(oneShotApp(body, [...json, ["etag", '"v1"']])), gzipScope);
    expect(response.header("etag")).toBe('W/"v1"');
  });

  it("keeps a weak ETag as it is on an encoded response", async () => {
    const response = await run(compression()(oneShotApp(body, [...json, ["etag", 'W/"v1"']])), gzipScope);
    expect(response.header("etag")).toBe('W/"v1"');
  });

  it("keeps a strong ETag strong when the response goes out unencoded", async () => {
    const response = await run(compression()(oneShotApp(body, [...json, ["etag", '"v1"']])), httpScope([]));
    expect(response.header("etag")).toBe('"v1"');
  });

  it("removes Content-Length from an encoded response", async () => {
    const response = await run(compression()(oneShotApp(body, [...json, ["content-length", String(body.length)]])), gzipScope);
    expect(response.header("content-length")).toBeUndefined();
  });

  it("removes Content-Length from an encoded streamed response", async () => {
    const app = streamingApp([body], [...json, ["content-length", String(body.length)]]);
    const response = await run(compression()(app), gzipScope);
    expect(response.header("content-encoding")).toBe("gzip");
    expect(response.header("content-length")).toBeUndefined();
  });

  it("removes Accept-Ranges from an encoded response", async () => {
    const response = await run(compression()(oneShotApp(body, [...json, ["accept-ranges", "bytes"]])), gzipScope);
    expect(response.header("accept-ranges")).toBeUndefined();
  });

  it("keeps Content-Length on an unencoded response", async () => {
    const response = await run(compression()(oneShotApp(body, [...json, ["content-length", String(body.length)]])), httpScope([]));
    expect(response.header("content-length")).toBe(String(body.length));
  });

  it("replaces an explicit Content-Encoding: identity with the coding used", async () => {
    const response = await run(compression()(oneShotApp(body, [...json, ["content-encoding", "identity"]])), gzipScope);
    expect(getHeaderValues(response.headers, "content-encoding")).toEqual(["gzip"]);
  });

  it("keeps the app's other headers and their order", async () => {
    const response = await run(compression()(oneShotApp(body, [["x-first", "1"], ...json, ["set-cookie", "a=1"], ["set-cookie", "b=2"]])), gzipScope);
    expect(response.headers.slice(0, 4)).toEqual([["x-first", "1"], ...json, ["set-cookie", "a=1"], ["set-cookie", "b=2"]]);
  });

  it("gives a 304 the Vary field and weak ETag the encoded 200 would carry", async () => {
    const response = await run(compression()(oneShotApp(new Uint8Array(), [["etag", '"v1"']], 304)), gzipScope);
    expect(response.header("vary")).toBe("Accept-Encoding");
    expect(response.header("etag")).toBe('W/"v1"');
  });

  it("keeps a 304's strong ETag for a client that would get identity", async () => {
    const response = await run(compression()(oneShotApp(new Uint8Array(), [["etag", '"v1"']], 304)), httpScope([]));
    expect(response.header("etag")).toBe('"v1"');
  });
});
