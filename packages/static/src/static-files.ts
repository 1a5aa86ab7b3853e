import type { HTTPScope, Middleware } from "@sluice/core";
import { FileResolver, type Lookup } from "./internal/file-resolver.js";
import { LookupCache } from "./internal/lookup-cache.js";
import { parseRequestedPath, routePathOf, type RequestedPath } from "./internal/request-path.js";
import { serveFile, type FileToServe, type ServeContext } from "./internal/serve-file.js";
import { sendSimpleResponse } from "./internal/simple-responses.js";
import { resolveOptions, type StaticFilesOptions } from "./options.js";

/** What the middleware decided to do with a request. */
type Decision =
  | { kind: "pass" }
  | { kind: "redirect"; location: string }
  | { kind: "method-not-allowed" }
  | { kind: "file"; file: FileToServe };

const PASS: Decision = { kind: "pass" };

type FoundFile = Extract<Lookup, { kind: "file" }>;

/**
 * Serves files from a directory: a request whose path (below `prefix`) names a file under
 * `directory` gets that file; every other request goes to the wrapped app unchanged.
 *
 * File responses carry `Content-Type` (with charset for text), `Content-Length`, a strong
 * `ETag`, `Last-Modified`, `Cache-Control` and `Accept-Ranges: bytes`, and honour RFC 9110
 * conditional requests (304 / 412), byte ranges (206 single and `multipart/byteranges`, 416,
 * `If-Range`) and precompressed `.br` / `.zst` / `.gz` siblings. Methods other than GET and HEAD
 * on a file get 405 with `Allow: GET, HEAD`. A directory URL without a trailing slash is
 * redirected (308) to the slash form; with the slash, its `index` file is served.
 *
 * Nothing outside `directory` is ever served: "." / ".." segments (however encoded),
 * backslashes, NUL bytes, empty segments, dotfiles (except `.well-known`, unless `dotfiles`)
 * and symlinks whose real target is outside the directory (unless `followSymlinks`) all fall
 * through to the inner app. Bodies are read from disk one 256 KiB chunk at a time, each after the
 * previous `send()` resolved; when the server advertises `http.response.pathsend`, whole-file
 * 200 responses are handed to the server by path instead.
 *
 * Options (see {@link StaticFilesOptions}): `directory` (required), `prefix` (`""`), `index`
 * (`"index.html"`), `html` (`false`), `fallback` (`false`), `dotfiles` (`false`),
 * `followSymlinks` (`false`), `cacheControl` (`"public, max-age=0, must-revalidate"`),
 * `immutable` (hashed names such as `app.3f9a8c1b.js`), `precompressed` (`true`),
 * `maxRanges` (`16`), `statCache` (`{ maxEntries: 1000, ttlMs: 2000 }`).
 *
 * @throws StaticFilesOptionsError (`ERR_STATIC_OPTIONS`) when an option is invalid or
 * `directory` does not exist.
 *
 * @example
 * ```ts
 * import { serve } from "@sluice/server";
 * import { staticFiles } from "@sluice/static";
 *
 * const api: App = async (scope, receive, send) => { ... };
 * const app = staticFiles({ directory: "./public", prefix: "/static" })(api);
 * await serve(app, { port: 8000 });
 * ```
 */
export function staticFiles(options: StaticFilesOptions): Middleware {
  const config = resolveOptions(options);
  const cache = config.statCache === undefined ? undefined : new LookupCache<Lookup>(config.statCache.maxEntries, config.statCache.ttlMs);
  const context: ServeContext = { config, resolver: new FileResolver(config.root, config.followSymlinks, cache) };

  return (app) => async (scope, receive, send) => {
    if (scope.type !== "http") return app(scope, receive, send);
    const decision = await decide(scope, context);
    switch (decision.kind) {
      case "pass":
        return app(scope, receive, send);
      case "redirect":
        return sendSimpleResponse(send, 308, [["location", decision.location]], scope.method !== "HEAD");
      case "method-not-allowed":
        return sendSimpleResponse(send, 405, [["allow", "GET, HEAD"]], scope.method !== "HEAD");
      case "file":
        if (!(await serveFile(scope, send, decision.file, context))) return app(scope, receive, send);
        return;
    }
  };
}

async function decide(scope: HTTPScope, context: ServeContext): Promise<Decision> {
  const { config, resolver } = context;
  const routePath = routePathOf(scope, config.prefix);
  if (routePath === undefined) return PASS;
  const requested = parseRequestedPath(routePath, config.dotfiles);
  if (requested === undefined) return PASS;
  const readOnly = scope.method === "GET" || scope.method === "HEAD";

  const found = await resolver.lookup(requested.relative);
  if (found.kind === "file" && !requested.directoryForm) {
    return readOnly ? fileDecision(requested.relative, found, 200) : { kind: "method-not-allowed" };
  }
  if (!readOnly) return PASS;
  if (found.kind === "directory") {
    if (!requested.directoryForm) return redirectToSlash(scope);
    if (config.index !== undefined) {
      const relative = requested.relative === "" ? config.index : `${requested.relative}/${config.index}`;
      const index = await resolver.lookup(relative);
      if (index.kind === "file") return fileDecision(relative, index, 200);
    }
  } else if (found.kind === "missing" && config.html && !requested.directoryForm && requested.relative !== "") {
    const relative = `${requested.relative}.html`;
    const page = await resolver.lookup(relative);
    if (page.kind === "file") return fileDecision(relative, page, 200);
  }
  return missDecision(requested, context);
}

async function missDecision(requested: RequestedPath, context: ServeContext): Promise<Decision> {
  const { config, resolver } = context;
  if (config.fallback !== undefined && !lastSegmentHasExtension(requested)) {
    const fallback = await resolver.lookup(config.fallback);
    if (fallback.kind === "file") return fileDecision(config.fallback, fallback, 200);
  }
  if (config.html) {
    const notFound = await resolver.lookup("404.html");
    if (notFound.kind === "file") return fileDecision("404.html", notFound, 404);
  }
  return PASS;
}

function lastSegmentHasExtension(requested: RequestedPath): boolean {
  if (requested.directoryForm) return false;
  const name = requested.relative.slice(requested.relative.lastIndexOf("/") + 1);
  return name.lastIndexOf(".") > 0;
}

function fileDecision(relative: string, found: FoundFile, status: 200 | 404): Decision {
  return { kind: "file", file: { relative, path: found.path, stats: found.stats, status } };
}

function redirectToSlash(scope: HTTPScope): Decision {
  const base = scope.raw_path ?? encodeURI(scope.path);
  const location = percentEncodeUnsafe(`${base}/${scope.query_string === "" ? "" : `?${scope.query_string}`}`);
  // A location starting with "//" or "/\" would be read as another host.
  if (!location.startsWith("/") || location.startsWith("//") || location.startsWith("/\\")) return PASS;
  return { kind: "redirect", location };
}

/** Percent-encodes every byte of a byte string that is not visible ASCII, so it is a safe header value. */
function percentEncodeUnsafe(byteString: string): string {
  return byteString.replace(/[^\x21-\x7e]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}
