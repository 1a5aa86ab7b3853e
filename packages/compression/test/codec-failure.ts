import { promisify } from "node:util";
import zlib from "node:zlib";
import type { Codec } from "../src/internal/codecs.js";

/**
 * A codec whose "encoder" is a real zlib gunzip: it accepts gzip input and fails with a real
 * zlib error (Z_DATA_ERROR) as soon as it sees anything else. Used to drive the middleware's
 * error path with genuine zlib failures.
 */
export const failingCodec: Codec = {
  name: "gzip",
  createStream: () => zlib.createGunzip({ flush: zlib.constants.Z_SYNC_FLUSH }),
  encode: (body) => promisify(zlib.gunzip)(body),
};

/** A gzip stream prefix (header + one sync-flushed block) the failing codec accepts. */
export const validPrefix = zlib.gzipSync(Buffer.from("x".repeat(2000)), { finishFlush: zlib.constants.Z_SYNC_FLUSH });

/** Bytes that are not a valid continuation of a deflate stream. */
export const garbage = Buffer.alloc(4096, 0xff);
