import type { Headers, HTTPScope, HTTPSend } from "@sluice/core";
import { getHeader } from "@sluice/core";
import type { Stats } from "node:fs";
import { IMMUTABLE_CACHE_CONTROL, type ResolvedOptions } from "../options.js";
import { acceptedEncodings, SIBLING_EXTENSION, type PrecompressedEncoding } from "./accept-encoding.js";
import { evaluatePreconditions, ifRangeAllowsPartial, type Validators } from "./conditional.js";
import { contentTypeFor } from "./content-type.js";
import { makeETag } from "./etag.js";
import { CHUNK_SIZE, sendFileRange } from "./file-body.js";
import { isNotServableError, type FileResolver } from "./file-resolver.js";
import { closeAndWait, closeQuietly, openForReading, readInto, statOf, statOfDescriptor } from "./fs-calls.js";
import { formatHttpDate } from "./http-date.js";
import { planMultipart } from "./multipart.js";
import { parseRange, type ByteRange } from "./range.js";
import { sendSimpleResponse } from "./simple-responses.js";

/** A file chosen to answer a request. */
export interface FileToServe {
  /** Path relative to the served directory, as the URL named it (used for type, siblings, caching). */
  relative: string;
  /** Real absolute path. */
  path: string;
  /** The file's `stat` from when it was looked up (at most the lookup cache's `ttlMs` old). */
  stats: Stats;
  /** 200 for a file, 404 for the html-mode `404.html` page. */
  status: 200 | 404;
}

/** Shared, per-middleware state. */
export interface ServeContext {
  config: ResolvedOptions;
  resolver: FileResolver;
}

// Ranges closer than this are merged: about the size of a multipart part header, so a merged
// range never costs more bytes than the separate parts would.
const COALESCE_GAP = 80;

// Whole files up to this size go out as one body message read from the descriptor already
// open; handing them to the server by path (which opens, stats and streams them again) costs
// more than it saves. Larger whole files use http.response.pathsend when the server offers it.
const PATHSEND_MIN_SIZE = CHUNK_SIZE;

// For a plain GET (no conditionals, no Range), files up to this size are read whole before the
// response starts, in one read that asks for one byte more than the looked-up size: getting
// exactly that many bytes proves the length is still right, so no `fstat` is needed. Any other
// count means the file changed since it was looked up, and a fresh `fstat` decides. Requests
// that compare validators always get a fresh `fstat`, so a 304, 412 or If-Range decision is
// never made on a stale ETag or date.
const READ_AHEAD_MAX_SIZE = CHUNK_SIZE;

interface Variant {
  path: string;
  relative: string;
  stats: Stats;
  encoding: PrecompressedEncoding | undefined;
}

/** The opened representation: its descriptor (GET only), its stats and, for small files, its bytes. */
interface Opened {
  fd: number | undefined;
  stats: Stats;
  bytes: Buffer | undefined;
}

/**
 * Answers a GET or HEAD request with `file` (conditional requests, ranges, precompressed
 * siblings). Resolves `false` without sending anything when the file disappeared since it was
 * looked up, so the caller can fall through to the inner app.
 */
export async function serveFile(scope: HTTPScope, send: HTTPSend, file: FileToServe, context: ServeContext): Promise<boolean> {
  const { config, resolver } = context;
  const variant = file.status === 200 ? await chooseVariant(scope, file, context) : plainVariant(file);
  const isGet = scope.method === "GET";
  const pathsendAvailable = isGet && file.status === 200 && scope.extensions?.["http.response.pathsend"] !== undefined;

  const opened = await openVariant(variant, isGet, usesValidators(scope.headers), resolver);
  if (opened === undefined) return false;
  const { fd } = opened;

  try {
    const response = new FileResponse(scope, send, file, variant, opened, config);
    if (file.status === 404) {
      await response.sendNotFoundPage(fd);
    } else {
      await response.send(fd, pathsendAvailable);
    }
  } catch (error) {
    // On failure (typically the client went away) the descriptor is closed before the error
    // propagates, so nothing is left open once the app's promise settles.
    if (fd !== undefined) await closeAndWait(fd);
    throw error;
  }
  // After a complete response the close need not delay the app's return.
  if (fd !== undefined) closeQuietly(fd);
  return true;
}

/**
 * Opens `variant` for a GET (stats only for HEAD) and, for a small file, reads it whole.
 * Resolves `undefined`, with nothing left open, when the file is no longer servable (gone,
 * not a regular file any more, unreadable), after dropping its cached lookup.
 */
async function openVariant(variant: Variant, isGet: boolean, exactValidators: boolean, resolver: FileResolver): Promise<Opened | undefined> {
  let fd: number | undefined;
  try {
    if (!isGet) {
      const stats = await statOf(variant.path);
      return stats.isFile() ? { fd, stats, bytes: undefined } : forgotten(variant, resolver);
    }
    fd = await openForReading(variant.path);
    const expected = variant.stats.size;
    if (expected <= READ_AHEAD_MAX_SIZE && !exactValidators) {
      const bytes = await readExactly(fd, expected);
      if (bytes !== undefined) return { fd, stats: variant.stats, bytes };
      // The length changed since the lookup: trust only a fresh stat from now on.
      resolver.forget(variant.relative);
    }
    const stats = await statOfDescriptor(fd);
    if (stats.isFile()) return { fd, stats, bytes: undefined };
  } catch (error) {
    if (fd !== undefined) closeQuietly(fd);
    if (!isNotServableError(error)) throw error;
    return forgotten(variant, resolver);
  }
  closeQuietly(fd);
  return forgotten(variant, resolver);
}

// Request fields whose answer depends on the ETag or date: such requests always get a fresh stat.
const VALIDATOR_FIELDS = new Set(["if-none-match", "if-modified-since", "if-match", "if-unmodified-since", "if-range", "range"]);

/** Whether the request compares anything against the file's validators (conditionals, ranges). */
function usesValidators(headers: Headers): boolean {
  for (const [name] of headers) if (VALIDATOR_FIELDS.has(name)) return true;
  return false;
}

function forgotten(variant: Variant, resolver: FileResolver): undefined {
  resolver.forget(variant.relative);
  return undefined;
}

/**
 * Reads the whole file behind `fd` in one read, asking for one byte more than `size`: resolves
 * its bytes when exactly `size` came back, `undefined` when the file is now longer or shorter.
 */
async function readExactly(fd: number, size: number): Promise<Buffer | undefined> {
  const buffer = Buffer.allocUnsafe(size + 1);
  const bytesRead = await readInto(fd, buffer, size + 1, 0);
  return bytesRead === size ? buffer.subarray(0, size) : undefined;
}

function plainVariant(file: FileToServe): Variant {
  return { path: file.path, relative: file.relative, stats: file.stats, encoding: undefined };
}

async function chooseVariant(scope: HTTPScope, file: FileToServe, context: ServeContext): Promise<Variant> {
  const accepted = acceptedEncodings(getHeader(scope.headers, "accept-encoding"), context.config.precompressed);
  for (const encoding of accepted) {
    const relative = file.relative + SIBLING_EXTENSION[encoding];
    const sibling = await context.resolver.lookup(relative);
    if (sibling.kind === "file") return { path: sibling.path, relative, stats: sibling.stats, encoding };
  }
  return plainVariant(file);
}

/** Builds and sends the response for one opened (or stat'ed) representation. */
class FileResponse {
  readonly #scope: HTTPScope;
  readonly #send: HTTPSend;
  readonly #variant: Variant;
  readonly #size: number;
  readonly #bytes: Buffer | undefined;
  readonly #contentType: string;
  readonly #validators: Validators;
  readonly #metadata: Headers;
  readonly #isHead: boolean;
  readonly #maxRanges: number;

  constructor(scope: HTTPScope, send: HTTPSend, file: FileToServe, variant: Variant, opened: Opened, config: ResolvedOptions) {
    const { stats } = opened;
    this.#scope = scope;
    this.#send = send;
    this.#variant = variant;
    this.#size = stats.size;
    this.#bytes = opened.bytes;
    this.#contentType = contentTypeFor(file.relative);
    this.#isHead = scope.method === "HEAD";
    const etag = makeETag(stats, variant.encoding ?? "identity");
    const lastModifiedMs = Math.floor(stats.mtimeMs / 1000) * 1000;
    this.#validators = { etag, lastModifiedMs };
    // The fields a 304 repeats (RFC 9110 15.4.5), in the order every response sends them.
    const metadata: Headers = [
      ["etag", etag],
      ["last-modified", formatHttpDate(lastModifiedMs)],
    ];
    const cacheControl = file.status === 404 ? "no-cache" : config.isImmutable(file.relative) ? IMMUTABLE_CACHE_CONTROL : config.cacheControl;
    if (cacheControl !== undefined) metadata.push(["cache-control", cacheControl]);
    if (config.precompressed.length > 0 && file.status === 200) metadata.push(["vary", "accept-encoding"]);
    this.#metadata = metadata;
    this.#maxRanges = config.maxRanges;
  }

  /** The 200 / 206 / 304 / 412 / 416 answer for a file that exists. */
  async send(fd: number | undefined, pathsendAvailable: boolean): Promise<void> {
    const outcome = evaluatePreconditions(this.#scope.headers, this.#validators);
    if (outcome === "not-modified") return sendSimpleResponse(this.#send, 304, this.#metadata, false);
    if (outcome === "precondition-failed") return sendSimpleResponse(this.#send, 412, [], !this.#isHead);

    const rangeHeader = this.#scope.method === "GET" ? getHeader(this.#scope.headers, "range") : undefined;
    if (rangeHeader !== undefined && ifRangeAllowsPartial(this.#scope.headers, this.#validators)) {
      const request = parseRange(rangeHeader, this.#size, { maxRanges: this.#maxRanges, coalesceGap: COALESCE_GAP });
      if (request.kind === "unsatisfiable") {
        return sendSimpleResponse(this.#send, 416, [["content-range", `bytes */${this.#size}`], ...this.#metadata], true);
      }
      // A multipart body cannot say that its parts are slices of, say, brotli data (a top-level
      // Content-Encoding would claim the multipart body itself is compressed), so several
      // ranges of a precompressed variant are answered with the whole variant, as RFC 9110 allows.
      const multipartOfEncoded = request.kind === "partial" && request.ranges.length > 1 && this.#variant.encoding !== undefined;
      if (request.kind === "partial" && !multipartOfEncoded) {
        const descriptor = fd ?? (await openForReading(this.#variant.path));
        try {
          const [only] = request.ranges;
          if (request.ranges.length === 1 && only !== undefined) return await this.#sendSingleRange(descriptor, only);
          return await this.#sendMultipart(descriptor, request.ranges);
        } finally {
          if (fd === undefined) closeQuietly(descriptor);
        }
      }
    }
    await this.#sendWhole(fd, pathsendAvailable && this.#size > PATHSEND_MIN_SIZE);
  }

  /** The html-mode `404.html` page: status 404, whole body, no conditionals or ranges. */
  async sendNotFoundPage(fd: number | undefined): Promise<void> {
    await this.#start(404, [...this.#representationHeaders(), ["content-length", String(this.#size)], ...this.#metadata.filter(([name]) => name === "cache-control")]);
    await this.#body(fd, { start: 0, end: this.#size - 1 });
  }

  async #sendWhole(fd: number | undefined, usePathsend: boolean): Promise<void> {
    await this.#start(200, [...this.#representationHeaders(), ["content-length", String(this.#size)], ["accept-ranges", "bytes"], ...this.#metadata]);
    if (usePathsend && !this.#isHead) {
      await this.#send({ type: "http.response.pathsend", path: this.#variant.path });
      return;
    }
    await this.#body(fd, { start: 0, end: this.#size - 1 });
  }

  async #sendSingleRange(fd: number, range: ByteRange): Promise<void> {
    await this.#start(206, [
      ...this.#representationHeaders(),
      ["content-length", String(range.end - range.start + 1)],
      ["content-range", `bytes ${range.start}-${range.end}/${this.#size}`],
      ["accept-ranges", "bytes"],
      ...this.#metadata,
    ]);
    await sendFileRange(this.#send, fd, this.#variant.path, range, false);
  }

  async #sendMultipart(fd: number, ranges: readonly ByteRange[]): Promise<void> {
    const plan = planMultipart(ranges, this.#size, this.#contentType);
    const headers: Headers = [
      ["content-type", plan.contentType],
      ["content-length", String(plan.length)],
      ["accept-ranges", "bytes"],
      ...this.#metadata,
    ];
    await this.#start(206, headers);
    for (const part of plan.parts) {
      await this.#send({ type: "http.response.body", body: part.head, more_body: true });
      await sendFileRange(this.#send, fd, this.#variant.path, part.range, true);
    }
    await this.#send({ type: "http.response.body", body: plan.tail, more_body: false });
  }

  #representationHeaders(): Headers {
    const headers: Headers = [["content-type", this.#contentType]];
    if (this.#variant.encoding !== undefined) headers.push(["content-encoding", this.#variant.encoding]);
    return headers;
  }

  async #start(status: number, headers: Headers): Promise<void> {
    await this.#send({ type: "http.response.start", status, headers });
  }

  /** Sends the bytes of `range` (empty for HEAD and empty files). */
  async #body(fd: number | undefined, range: ByteRange): Promise<void> {
    if (this.#isHead || range.end < range.start) {
      await this.#send({ type: "http.response.body", body: new Uint8Array(0), more_body: false });
      return;
    }
    if (this.#bytes !== undefined) {
      await this.#send({ type: "http.response.body", body: this.#bytes.subarray(range.start, range.end + 1), more_body: false });
      return;
    }
    const descriptor = fd ?? (await openForReading(this.#variant.path));
    try {
      await sendFileRange(this.#send, descriptor, this.#variant.path, range, false);
    } finally {
      if (fd === undefined) closeQuietly(descriptor);
    }
  }
}
