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
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength },
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
