import { realpathSync, statSync } from "node:fs";
import { resolve } from "node:path";
import * as zlib from "node:zlib";
import type { PrecompressedEncoding } from "./internal/accept-encoding.js";
import { looksContentHashed } from "./internal/immutable.js";
import { StaticFilesOptionsError } from "./errors.js";

/**
 * Size and lifetime of the cache of path lookups (the `statCache` option of
 * {@link staticFiles}).
 *
 * @example
 * ```ts
 * staticFiles({ directory: "./public", statCache: { maxEntries: 5000, ttlMs: 10_000 } });
 * ```
 */
export interface StatCacheOptions {
  /** How many paths are remembered (least recently used leave first). Default `1000`. */
  maxEntries?: number;
  /** How long a lookup is trusted, in milliseconds. Default `2000`. */
  ttlMs?: number;
}

/**
 * Options of {@link staticFiles}. Only `directory` is required; every other option is
 * described with its default below.
 *
 * @example
 * ```ts
 * const options: StaticFilesOptions = {
 *   directory: "./dist",
 *   prefix: "/assets",
 *   immutable: /^assets\//,
 *   precompressed: ["br", "gzip"],
 *   statCache: false,
 * };
 * const app = staticFiles(options)(api);
 * ```
 */
export interface StaticFilesOptions {
  /** The directory whose files are served. Must exist when the middleware is created. */
  directory: string;
  /**
   * URL path the files are served under, e.g. `"/static"`. Requests outside it go straight
   * to the inner app. Default `""` (the whole URL space).
   */
  prefix?: string;
  /** File served for a directory URL ending in "/", or `false` for none. Default `"index.html"`. */
  index?: string | false;
  /**
   * "Pretty URL" mode: `/about` is served from `about.html` when no `about` exists, and misses
   * under the prefix get `404.html` with status 404 when that file exists. Default `false`.
   */
  html?: boolean;
  /**
   * Single-page-app fallback: a file (relative to `directory`) served with status 200 for
   * GET/HEAD misses whose last path segment has no extension (`/settings/profile`, not
   * `/missing.js`). Default `false`.
   */
  fallback?: string | false;
  /** Serve names starting with "." (other than `.well-known`, always allowed). Default `false`. */
  dotfiles?: boolean;
  /**
   * Follow symlinks that lead outside `directory`. When `false`, symlinks are still followed
   * but only while their real target stays inside `directory`. Default `false`.
   */
  followSymlinks?: boolean;
  /**
   * `Cache-Control` of file responses, or `false` to send none.
   * Default `"public, max-age=0, must-revalidate"` (cache, but revalidate every time).
   */
  cacheControl?: string | false;
  /**
   * Which files get `Cache-Control: public, max-age=31536000, immutable`: a RegExp or a
   * predicate tested on the path relative to `directory` (e.g. `"assets/app.3f9a8c1b.js"`),
   * or `false` for none. Default: names with a hex hash of 8+ characters (mixing digits and
   * letters) after "." or "-" just before the extension, such as `app.3f9a8c1b.js`.
   */
  immutable?: RegExp | ((relativePath: string) => boolean) | false;
  /**
   * Precompressed siblings to look for (`file.br`, `file.zst`, `file.gz`) when the client
   * accepts that coding: `true` for `["br", "zstd", "gzip"]` (zstd only when this Node's zlib
   * can decode it), a list in order of preference, or `false`. Default `true`.
   */
  precompressed?: boolean | readonly PrecompressedEncoding[];
  /** Range headers with more ranges than this are ignored (the whole file is sent). Default `16`. */
  maxRanges?: number;
  /**
   * Cache of path lookups (realpath, kind and `stat`), or `false`. A new or deleted file is
   * noticed within `ttlMs`. Bytes and `Content-Length` are always current (a small file's
   * length is checked against what one read returns, a larger file gets a fresh `fstat`), and
   * every request that compares validators (If-None-Match, If-Modified-Since, If-Match,
   * If-Unmodified-Since, If-Range, Range) gets a fresh `fstat`. Only the `ETag` and
   * `Last-Modified` sent with a plain GET of a small file (≤ 256 KiB) rewritten in place with
   * the same length may be up to `ttlMs` old. Default `{ maxEntries: 1000, ttlMs: 2000 }`.
   */
  statCache?: StatCacheOptions | false;
}

/** Options after defaults and validation. */
export interface ResolvedOptions {
  root: string;
  prefix: string;
  index: string | undefined;
  html: boolean;
  fallback: string | undefined;
  dotfiles: boolean;
  followSymlinks: boolean;
  cacheControl: string | undefined;
  isImmutable: (relativePath: string) => boolean;
  precompressed: PrecompressedEncoding[];
  maxRanges: number;
  statCache: { maxEntries: number; ttlMs: number } | undefined;
}

/** `Cache-Control` sent for files the `immutable` option matches. */
export const IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable";
/** Default `Cache-Control`. */
export const DEFAULT_CACHE_CONTROL = "public, max-age=0, must-revalidate";

/** Whether this Node's zlib can decode zstd (Node 22.15+ / 23.8+). */
export const zstdDecodable = typeof (zlib as Record<string, unknown>)["createZstdDecompress"] === "function";

const ENCODINGS: readonly PrecompressedEncoding[] = ["br", "zstd", "gzip"];

/** Applies defaults and checks every option, throwing `StaticFilesOptionsError`. */
export function resolveOptions(options: StaticFilesOptions): ResolvedOptions {
  if (typeof options !== "object" || (options as unknown) === null) {
    throw new StaticFilesOptionsError("directory", "options must be an object with a `directory`");
  }
  return {
    root: resolveRoot(options.directory),
    prefix: resolvePrefix(options.prefix ?? ""),
    index: resolveIndex(options.index ?? "index.html"),
    html: options.html ?? false,
    fallback: resolveFallback(options.fallback ?? false),
    dotfiles: options.dotfiles ?? false,
    followSymlinks: options.followSymlinks ?? false,
    cacheControl: resolveCacheControl(options.cacheControl ?? DEFAULT_CACHE_CONTROL),
    isImmutable: resolveImmutable(options.immutable ?? looksContentHashed),
    precompressed: resolvePrecompressed(options.precompressed ?? true),
    maxRanges: resolveMaxRanges(options.maxRanges ?? 16),
    statCache: resolveStatCache(options.statCache ?? {}),
  };
}

function resolveRoot(directory: unknown): string {
  if (typeof directory !== "string" || directory === "") {
    throw new StaticFilesOptionsError("directory", "must be a non-empty path string");
  }
  const absolute = resolve(directory);
  let real: string;
  try {
    real = realpathSync(absolute);
  } catch (cause) {
    throw new StaticFilesOptionsError("directory", `"${absolute}" does not exist`, { cause });
  }
  if (!statSync(real).isDirectory()) {
    throw new StaticFilesOptionsError("directory", `"${absolute}" is not a directory`);
  }
  return real;
}

function resolvePrefix(prefix: unknown): string {
  if (typeof prefix !== "string") throw new StaticFilesOptionsError("prefix", "must be a string such as \"/static\"");
  if (prefix === "" || prefix === "/") return "";
  if (!prefix.startsWith("/")) {
    throw new StaticFilesOptionsError("prefix", `must start with "/" (got "${prefix}")`);
  }
  const trimmed = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
  for (const segment of trimmed.slice(1).split("/")) {
    if (segment === "" || segment === "." || segment === "..") {
      throw new StaticFilesOptionsError("prefix", `must not contain empty, "." or ".." segments (got "${prefix}")`);
    }
  }
  return trimmed;
}

function resolveIndex(index: unknown): string | undefined {
  if (index === false) return undefined;
  if (typeof index !== "string" || index === "" || index.includes("/") || index.includes("\\") || index === "." || index === "..") {
    throw new StaticFilesOptionsError("index", "must be a plain file name such as \"index.html\", or false");
  }
  return index;
}

function resolveFallback(fallback: unknown): string | undefined {
  if (fallback === false) return undefined;
  if (typeof fallback !== "string" || fallback === "") {
    throw new StaticFilesOptionsError("fallback", "must be a path relative to `directory`, or false");
  }
  const relative = fallback.replace(/^\/+/, "");
  const segments = relative.split("/");
  if (segments.some((segment) => segment === "" || segment === "." || segment === ".." || segment.includes("\\"))) {
    throw new StaticFilesOptionsError("fallback", `must stay inside \`directory\` without ".." or empty segments (got "${fallback}")`);
  }
  return relative;
}

function resolveCacheControl(cacheControl: unknown): string | undefined {
  if (cacheControl === false) return undefined;
  // eslint-disable-next-line no-control-regex
  if (typeof cacheControl !== "string" || /[\u0000-\u001f\u007f-\uffff]/.test(cacheControl)) {
    throw new StaticFilesOptionsError("cacheControl", "must be a header value of visible ASCII characters, or false");
  }
  return cacheControl;
}

function resolveImmutable(immutable: unknown): (relativePath: string) => boolean {
  if (immutable === false) return () => false;
  if (immutable instanceof RegExp) {
    // A fresh copy without the stateful "g"/"y" flags, so test() gives the same answer every time.
    const pattern = new RegExp(immutable.source, immutable.flags.replace(/[gy]/g, ""));
    return (relativePath) => pattern.test(relativePath);
  }
  if (typeof immutable === "function") return immutable as (relativePath: string) => boolean;
  throw new StaticFilesOptionsError("immutable", "must be a RegExp, a function (relativePath) => boolean, or false");
}

function resolvePrecompressed(precompressed: unknown): PrecompressedEncoding[] {
  if (precompressed === false) return [];
  const wanted: readonly unknown[] = precompressed === true ? ENCODINGS : Array.isArray(precompressed) ? precompressed : [];
  if (precompressed !== true && !Array.isArray(precompressed)) {
    throw new StaticFilesOptionsError("precompressed", "must be true, false or a list of \"br\", \"zstd\", \"gzip\"");
  }
  const result: PrecompressedEncoding[] = [];
  for (const encoding of wanted) {
    if (!ENCODINGS.includes(encoding as PrecompressedEncoding)) {
      throw new StaticFilesOptionsError("precompressed", `unknown encoding ${JSON.stringify(encoding)}; use "br", "zstd" or "gzip"`);
    }
    if (encoding === "zstd" && !zstdDecodable) continue;
    if (!result.includes(encoding as PrecompressedEncoding)) result.push(encoding as PrecompressedEncoding);
  }
  return result;
}

function resolveMaxRanges(maxRanges: unknown): number {
  if (typeof maxRanges !== "number" || !Number.isInteger(maxRanges) || maxRanges < 1) {
    throw new StaticFilesOptionsError("maxRanges", `must be a positive integer (got ${String(maxRanges)})`);
  }
  return maxRanges;
}

function resolveStatCache(statCache: unknown): { maxEntries: number; ttlMs: number } | undefined {
  if (statCache === false) return undefined;
  if (typeof statCache !== "object" || statCache === null) {
    throw new StaticFilesOptionsError("statCache", "must be { maxEntries?, ttlMs? } or false");
  }
  const { maxEntries = 1000, ttlMs = 2000 } = statCache as StatCacheOptions;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new StaticFilesOptionsError("statCache", `maxEntries must be a positive integer (got ${String(maxEntries)})`);
  }
  if (typeof ttlMs !== "number" || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new StaticFilesOptionsError("statCache", `ttlMs must be a positive number of milliseconds (got ${String(ttlMs)})`);
  }
  return { maxEntries, ttlMs };
}
