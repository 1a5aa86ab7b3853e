import { nodeZstdCodec } from "./internal/codecs.js";

/**
 * Whether the running Node's `zlib` can produce zstd (`zlib.createZstdCompress`, Node ≥ 22.15
 * and ≥ 23.8). When it cannot, {@link compression} leaves `"zstd"` out of its encodings.
 *
 * @example
 * ```ts
 * compression({ encodings: isZstdSupported() ? ["zstd", "gzip"] : ["gzip"] });
 * ```
 */
export function isZstdSupported(): boolean {
  return nodeZstdCodec(3) !== null;
}
