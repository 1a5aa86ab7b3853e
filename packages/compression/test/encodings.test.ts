import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { compression } from "../src/index.js";
import { detectZstd, gzipCodec, type ZstdCapableZlib } from "../src/internal/codecs.js";
import { compressionWith } from "../src/internal/middleware.js";
import { decode, httpScope, jsonBody, oneShotApp, run, streamingApp } from "./helpers.js";

const body = jsonBody(100 * 1024);

describe("encodings", () => {
  it.each(["gzip", "deflate", "br"])("encodes a one-message body with %s that Node's zlib decodes back", async (encoding) => {
    const response = await run(compression()(oneShotApp(body)), httpScope([["accept-encoding", encoding]]));
    expect(response.header("content-encoding")).toBe(encoding);
    expect(response.body.length).toBeLessThan(body.length / 3);
    expect(decode(encoding, response.body).equals(body)).toBe(true);
  });

  it.each(["gzip", "deflate", "br"])("encodes a streamed body with %s that Node's zlib decodes back", async (encoding) => {
    const chunks = [body.subarray(0, 30_000), body.subarray(30_000, 31_000), body.subarray(31_000)];
    const response = await run(compression()(streamingApp(chunks, [["content-type", "application/json"]])), httpScope([["accept-encoding", encoding]]));
    expect(response.header("content-encoding")).toBe(encoding);
    expect(decode(encoding, response.body).equals(body)).toBe(true);
  });

  it("prefers br when the client accepts br, gzip and deflate equally", async () => {
    const response = await run(compression()(oneShotApp(body)), httpScope([["accept-encoding", "gzip, deflate, br"]]));
    expect(response.header("content-encoding")).toBe("br");
  });

  it("follows the configured encodings order", async () => {
    const response = await run(compression({ encodings: ["gzip", "br"] })(oneShotApp(body)), httpScope([["accept-encoding", "br, gzip"]]));
    expect(response.header("content-encoding")).toBe("gzip");
  });

  it("offers only the configured encodings", async () => {
    const response = await run(compression({ encodings: ["gzip"] })(oneShotApp(body)), httpScope([["accept-encoding", "br"]]));
    expect(response.header("content-encoding")).toBeUndefined();
    expect(response.body.equals(body)).toBe(true);
  });

  it("applies the configured gzip level", async () => {
    const fast = await run(compression({ levels: { gzip: 1 } })(oneShotApp(body)), httpScope([["accept-encoding", "gzip"]]));
    const best = await run(compression({ levels: { gzip: 9 } })(oneShotApp(body)), httpScope([["accept-encoding", "gzip"]]));
    expect(best.body.length).toBeLessThan(fast.body.length);
    expect(zlib.gunzipSync(fast.body).equals(body)).toBe(true);
  });

  it("applies the configured Brotli quality", async () => {
    const fast = await run(compression({ levels: { br: 0 } })(oneShotApp(body)), httpScope([["accept-encoding", "br"]]));
    const best = await run(compression({ levels: { br: 9 } })(oneShotApp(body)), httpScope([["accept-encoding", "br"]]));
    expect(best.body.length).toBeLessThan(fast.body.length);
  });

  it("honours x-gzip as gzip", async () => {
    const response = await run(compression()(oneShotApp(body)), httpScope([["accept-encoding", "x-gzip"]]));
    expect(response.header("content-encoding")).toBe("gzip");
  });

  it("reads Accept-Encoding split over several header fields", async () => {
    const response = await run(
      compression()(oneShotApp(body)),
      httpScope([
        ["accept-encoding", "br;q=0"],
        ["accept-encoding", "gzip"],
      ]),
    );
    expect(response.header("content-encoding")).toBe("gzip");
  });

  it("labels the response zstd when a zstd-capable zlib is detected and the client asks for it", async () => {
    // Node 20 has no zstd; a zlib-shaped module whose zstd entry points are gzip exercises the same path.
    const module: ZstdCapableZlib = {
      createZstdCompress: () => zlib.createGzip({ flush: zlib.constants.Z_SYNC_FLUSH }),
      zstdCompress: (input, _options, callback) => zlib.gzip(input, callback),
      constants: { ZSTD_c_compressionLevel: 100, ZSTD_e_flush: 1 },
    };
    const zstd = detectZstd(module, 3);
    if (zstd === null) throw new Error("detection failed");
    const middleware = compressionWith({ codecs: [zstd, gzipCodec(6)], minimumSize: 1024, filter: () => true });
    const response = await run(middleware(oneShotApp(body)), httpScope([["accept-encoding", "gzip, zstd"]]));
    expect(response.header("content-encoding")).toBe("zstd");
    expect(zlib.gunzipSync(response.body).equals(body)).toBe(true);
  });
});
