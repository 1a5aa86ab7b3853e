import { isCompressibleType } from "./compressible.js";
import { CompressionConfigError } from "./errors.js";
import { brotliCodec, deflateCodec, gzipCodec, nodeZstdCodec, type Codec } from "./internal/codecs.js";

/**
 * A content coding {@link compression} can produce.
 *
 * @example
 * ```ts
 * const preferred: EncodingName[] = ["gzip", "br"];
 * compression({ encodings: preferred });
 * ```
 */
export type EncodingName = "br" | "zstd" | "gzip" | "deflate";

/**
 * Compression level per coding. Higher is smaller and slower.
 *
 * @example
 * ```ts
 * compression({ levels: { gzip: 9, br: 5 } });
 * ```
 */
export interface CompressionLevels {
  /** gzip level, integer 0–9. Default `6`. */
  gzip?: number;
  /** deflate level, integer 0–9. Default `6`. */
  deflate?: number;
  /** Brotli quality, integer 0–11. Default `4` (11 is far too slow for dynamic responses). */
  br?: number;
  /** zstd level, integer 1–22. Default `3`. */
  zstd?: number;
}

/**
 * Options of {@link compression}. Every option is optional.
 *
 * @example
 * ```ts
 * compression({ encodings: ["gzip"], levels: { gzip: 5 }, minimumSize: 512 });
 * ```
 */
export interface CompressionOptions {
  /**
   * Codings to offer, most preferred first; the order breaks ties between codings the client
   * accepts with equal q. `"zstd"` is dropped silently when the running Node lacks it.
   * Default `["br", "zstd", "gzip", "deflate"]`.
   */
  encodings?: readonly EncodingName[];
  /** Level per coding. Defaults: gzip 6, deflate 6, br 4, zstd 3. */
  levels?: CompressionLevels;
  /**
   * Bodies smaller than this many bytes are sent unencoded. A response sent in one body message
   * is measured exactly; a streamed response (first message has `more_body: true`) is
   * compressed unless its `Content-Length` header says it is smaller. Default `1024`.
   */
  minimumSize?: number;
  /**
   * Decides from the response's media type (lower-cased, without parameters, `""` when the
   * response has no `Content-Type`) whether it is worth compressing. Default
   * {@link isCompressibleType} (`mime-db`'s `compressible` flag, with a `text/*` fallback).
   */
  filter?: (mediaType: string) => boolean;
}

/** Options after validation, with codecs built. */
export interface ResolvedOptions {
  /** Codecs in server preference order. */
  codecs: readonly Codec[];
  minimumSize: number;
  filter: (mediaType: string) => boolean;
}

const ALL_ENCODINGS: readonly EncodingName[] = ["br", "zstd", "gzip", "deflate"];
const LEVEL_RANGES: Readonly<Record<EncodingName, readonly [number, number]>> = {
  gzip: [0, 9],
  deflate: [0, 9],
  br: [0, 11],
  zstd: [1, 22],
};
const DEFAULT_LEVELS: Readonly<Record<EncodingName, number>> = { gzip: 6, deflate: 6, br: 4, zstd: 3 };

/** Validates `options` and builds the codecs; throws {@link CompressionConfigError}. */
export function resolveOptions(options: CompressionOptions = {}): ResolvedOptions {
  const encodings: unknown = options.encodings ?? ALL_ENCODINGS;
  if (!Array.isArray(encodings) || encodings.length === 0) {
    throw new CompressionConfigError("encodings", `must be a non-empty array of ${ALL_ENCODINGS.join(", ")}`);
  }
  const seen = new Set<string>();
  const codecs: Codec[] = [];
  for (const name of encodings as readonly unknown[]) {
    if (!isEncodingName(name)) {
      throw new CompressionConfigError("encodings", `unknown encoding ${JSON.stringify(name)}; supported: ${ALL_ENCODINGS.join(", ")}`);
    }
    if (seen.has(name)) throw new CompressionConfigError("encodings", `${JSON.stringify(name)} is listed twice`);
    seen.add(name);
    const codec = buildCodec(name, levelOf(options.levels, name));
    if (codec !== null) codecs.push(codec);
  }
  for (const name of Object.keys(options.levels ?? {})) {
    if (!isEncodingName(name)) {
      throw new CompressionConfigError("levels", `unknown encoding ${JSON.stringify(name)}; supported: ${ALL_ENCODINGS.join(", ")}`);
    }
    levelOf(options.levels, name);
  }

  const minimumSize = options.minimumSize ?? 1024;
  if (!Number.isSafeInteger(minimumSize) || minimumSize < 0) {
    throw new CompressionConfigError("minimumSize", `must be a non-negative integer number of bytes, got ${String(minimumSize)}`);
  }
  const filter = options.filter ?? isCompressibleType;
  if (typeof filter !== "function") throw new CompressionConfigError("filter", "must be a function (mediaType) => boolean");
  return { codecs, minimumSize, filter };
}

function isEncodingName(name: unknown): name is EncodingName {
  return typeof name === "string" && (ALL_ENCODINGS as readonly string[]).includes(name);
}

function levelOf(levels: CompressionLevels | undefined, name: EncodingName): number {
  const level = levels?.[name] ?? DEFAULT_LEVELS[name];
  const [min, max] = LEVEL_RANGES[name];
  if (!Number.isInteger(level) || level < min || level > max) {
    throw new CompressionConfigError(`levels.${name}`, `must be an integer from ${min} to ${max}, got ${String(level)}`);
  }
  return level;
}

function buildCodec(name: EncodingName, level: number): Codec | null {
  switch (name) {
    case "gzip":
      return gzipCodec(level);
    case "deflate":
      return deflateCodec(level);
    case "br":
      return brotliCodec(level);
    case "zstd":
      return nodeZstdCodec(level);
  }
}
