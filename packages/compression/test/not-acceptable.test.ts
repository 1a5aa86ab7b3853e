import { describe, expect, it } from "vitest";
import { compression } from "../src/index.js";
import { decode, httpScope, jsonBody, oneShotApp, run, streamingApp } from "./helpers.js";

const body = jsonBody(8 * 1024);

describe("when the client refuses identity", () => {
  it("answers 406 when no offered coding is acceptable either", async () => {
    const response = await run(compression()(oneShotApp(body)), httpScope([["accept-encoding", "identity;q=0, lzma"]]));
    expect(response.status).toBe(406);
    expect(response.header("vary")).toBe("Accept-Encoding");
    expect(response.body.toString()).toContain("406 Not Acceptable");
  });

  it("answers 406 for *;q=0", async () => {
    const response = await run(compression()(oneShotApp(body)), httpScope([["accept-encoding", "*;q=0"]]));
    expect(response.status).toBe(406);
  });

  it("drops the app's body when it answered 406", async () => {
    const response = await run(compression()(streamingApp([body, body])), httpScope([["accept-encoding", "identity;q=0"]]));
    expect(response.status).toBe(406);
    expect(response.body.includes(body.subarray(0, 100))).toBe(false);
  });

  it("lets an error response through unencoded instead of hiding its status", async () => {
    const response = await run(compression()(oneShotApp(body, [["content-type", "application/json"]], 500)), httpScope([["accept-encoding", "identity;q=0"]]));
    expect(response.status).toBe(500);
    expect(response.body.equals(body)).toBe(true);
  });

  it("encodes a body under minimumSize when identity is refused and gzip is acceptable", async () => {
    const small = Buffer.from('{"ok":true}');
    const response = await run(compression()(oneShotApp(small)), httpScope([["accept-encoding", "identity;q=0, gzip"]]));
    expect(response.header("content-encoding")).toBe("gzip");
    expect(decode("gzip", response.body).equals(small)).toBe(true);
  });

  it("encodes a non-compressible type when identity is refused and gzip is acceptable", async () => {
    const response = await run(compression()(oneShotApp(body, [["content-type", "image/png"]])), httpScope([["accept-encoding", "identity;q=0, gzip"]]));
    expect(response.header("content-encoding")).toBe("gzip");
    expect(response.header("vary")).toBe("Accept-Encoding");
  });

  it("does not answer 406 to a HEAD request", async () => {
    const response = await run(compression()(oneShotApp(new Uint8Array())), httpScope([["accept-encoding", "identity;q=0"]], "HEAD"));
    expect(response.status).toBe(200);
  });
});
