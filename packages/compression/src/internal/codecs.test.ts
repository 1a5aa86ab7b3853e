import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { detectZstd, type ZstdCapableZlib } from "./codecs.js";
import { isZstdSupported } from "../zstd.js";

describe("zstd detection", () => {
  it("matches the running Node's zlib", () => {
    expect(isZstdSupported()).toBe(typeof (zlib as { createZstdCompress?: unknown }).createZstdCompress === "function");
  });

  it("finds no zstd in a zlib without createZstdCompress", () => {
    expect(detectZstd({ constants: { ZSTD_c_compressionLevel: 100, ZSTD_e_flush: 1 } }, 3)).toBeNull();
  });

  it("finds no zstd when the zstd constants are missing", () => {
    const module: ZstdCapableZlib = {
      createZstdCompress: () => zlib.createGzip(),
      zstdCompress: (body, _options, callback) => zlib.gzip(body, callback),
      constants: {},
    };
    expect(detectZstd(module, 3)).toBeNull();
  });

  it("builds a zstd codec that passes the level and flush mode to the zlib it found", async () => {
    const seen: unknown[] = [];
    const module: ZstdCapableZlib = {
      createZstdCompress: (options) => {
        seen.push(["stream", options]);
        return zlib.createGzip();
      },
      zstdCompress: (body, options, callback) => {
        seen.push(["oneShot", options]);
        zlib.gzip(body, callback);
      },
      constants: { ZSTD_c_compressionLevel: 100, ZSTD_e_flush: 1 },
    };
    const codec = detectZstd(module, 7);
    expect(codec?.name).toBe("zstd");
    codec?.createStream().destroy();
    const encoded = await codec?.encode(Buffer.from("hello"));
    expect(zlib.gunzipSync(encoded ?? Buffer.alloc(0)).toString()).toBe("hello");
    expect(seen).toEqual([
      ["stream", { flush: 1, params: { 100: 7 } }],
      ["oneShot", { params: { 100: 7 } }],
    ]);
  });
});
