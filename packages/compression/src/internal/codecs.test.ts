import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { brotliCodec, brotliWindowBitsFor, detectZstd, type ZstdCapableZlib } from "./codecs.js";
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

/** The window size (log2 of bytes) a Brotli stream declares in its first bits (RFC 7932, 9.1). */
function declaredBrotliWindowBits(stream: Buffer): number {
  const bits = (stream[0] ?? 0) | ((stream[1] ?? 0) << 8);
  if ((bits & 1) === 0) return 16;
  const short = (bits >> 1) & 0b111;
  if (short !== 0) return 17 + short;
  const long = (bits >> 4) & 0b111;
  return long === 0 ? 17 : 8 + long;
}

/** A JSON-like body of exactly `size` bytes whose records repeat, so distant matches exist. */
function jsonLikeBody(size: number): Buffer {
  let text = "";
  for (let i = 0; text.length < size; i++) text += `{"id":${i},"name":"item ${i % 97}","tags":["alpha","beta"]},`;
  return Buffer.from(text.slice(0, size));
}

describe("Brotli window sizing", () => {
  it("picks the smallest window that reaches back over the whole body", () => {
    expect(brotliWindowBitsFor(0)).toBe(10);
    expect(brotliWindowBitsFor(1008)).toBe(10);
    expect(brotliWindowBitsFor(1009)).toBe(11);
    expect(brotliWindowBitsFor(100 * 1024)).toBe(17);
    expect(brotliWindowBitsFor(131_056)).toBe(17);
    expect(brotliWindowBitsFor(131_057)).toBe(18);
  });

  it("never asks for more than Brotli's largest window", () => {
    expect(brotliWindowBitsFor(64 * 1024 * 1024)).toBe(24);
  });

  it.each([1, 1008, 1009, 65_520, 65_521, 100 * 1024, 300_000])(
    "encodes a %i-byte single-message body that decodes to the same bytes, in a window sized for it",
    async (size) => {
      const body = jsonLikeBody(size);
      const encoded = await brotliCodec(4).encode(body);
      expect(zlib.brotliDecompressSync(encoded).equals(body)).toBe(true);
      expect(declaredBrotliWindowBits(encoded)).toBe(brotliWindowBitsFor(size));
    },
  );

  it("compresses a 100 KiB body as well as the default 4 MiB window does", async () => {
    const body = jsonLikeBody(100 * 1024);
    const sized = await brotliCodec(4).encode(body);
    const defaultWindow = zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } });
    expect(declaredBrotliWindowBits(defaultWindow)).toBe(22);
    expect(sized.length).toBeLessThanOrEqual(Math.ceil(defaultWindow.length * 1.01));
  });
});
