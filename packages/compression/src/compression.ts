import type { Middleware } from "@sluice/core";
import { compressionWith } from "./internal/middleware.js";
import { resolveOptions, type CompressionOptions } from "./options.js";

/**
 * Response compression middleware: encodes HTTP response bodies with Brotli, zstd (where the
 * running Node has it), gzip or deflate, as negotiated from the request's `Accept-Encoding`
 * (RFC 9110, q-values and `*` honoured; 406 when the client refuses identity and every offered
 * coding).
 *
 * Streaming-safe: a response sent in several body messages is encoded message by message, each
 * flushed as its own chunk, so Server-Sent Events and streamed JSON reach the client as they
 * are produced; the app's `send()` resolves only after the encoded chunk went downstream, so
 * memory stays flat. All encoding runs on Node's zlib thread pool.
 *
 * Left unencoded: HEAD requests; 1xx, 204, 206 and 304 responses; responses that already have a
 * `Content-Encoding`, carry `Cache-Control: no-transform`, have a type the `filter` rejects, are
 * smaller than `minimumSize`, or are sent with `http.response.zerocopysend`. A file sent with
 * `http.response.pathsend` is read and encoded when the response qualifies, and passed through
 * (zero-copy) when it does not. Whenever
 * the type is compressible `Vary: Accept-Encoding` is merged in, even when this client gets
 * identity. An encoded response loses `Content-Length` and `Accept-Ranges`, and its strong
 * `ETag` becomes weak.
 *
 * @param options see {@link CompressionOptions}: `encodings` (default `["br", "zstd", "gzip",
 *   "deflate"]`, zstd only where supported), `levels` (default gzip 6, deflate 6, br 4, zstd 3),
 *   `minimumSize` (default 1024 bytes), `filter` (default {@link isCompressibleType}).
 * @throws {CompressionConfigError} when an option is malformed.
 *
 * @example
 * ```ts
 * import { serve } from "@sluice/server";
 * import { compression } from "@sluice/compression";
 *
 * const app = compression({ minimumSize: 512 })(async (scope, receive, send) => {
 *   await send({ type: "http.response.start", status: 200, headers: [["content-type", "application/json"]] });
 *   await send({ type: "http.response.body", body: Buffer.from(JSON.stringify(bigObject)) });
 * });
 * await serve(app, { port: 8000 });
 * ```
 */
export function compression(options?: CompressionOptions): Middleware {
  return compressionWith(resolveOptions(options));
}
