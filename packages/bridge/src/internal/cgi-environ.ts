import { getHeader, utf8ToLatin1, type HTTPScope } from "@sluice/core";

/**
 * The CGI part of a sync-interface environ: only strings, so it can cross a thread boundary.
 * The `wsgi.*` objects are added where the app runs.
 */
export type CgiEnviron = Record<string, string>;

const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: "80", https: "443" };

/**
 * Builds the CGI keys of PEP 3333 from an HTTP scope:
 * - `SCRIPT_NAME` is `root_path` and `PATH_INFO` the rest of `path`, both as latin-1 strings of
 *   their UTF-8 bytes;
 * - `CONTENT_TYPE`/`CONTENT_LENGTH` only when the request has them (never as `HTTP_*` keys);
 * - other headers become `HTTP_*` keys, repeated headers joined with `", "` (cookies with `"; "`);
 *   header names containing `_` are dropped, because `HTTP_X_A` could not tell `x-a` from `x_a`
 *   and a client could spoof a header a proxy set (gunicorn and nginx behave alike).
 */
export function buildCgiEnviron(scope: HTTPScope): CgiEnviron {
  const rootPath = scope.root_path;
  const pathInfo = rootPath !== "" && scope.path.startsWith(rootPath) ? scope.path.slice(rootPath.length) : scope.path;
  const environ: CgiEnviron = {
    REQUEST_METHOD: scope.method,
    SCRIPT_NAME: toLatin1Bytes(rootPath),
    PATH_INFO: toLatin1Bytes(pathInfo),
    QUERY_STRING: scope.query_string,
    SERVER_PROTOCOL: `HTTP/${scope.http_version}`,
  };
  Object.assign(environ, serverKeys(scope));
  if (scope.client !== null) {
    environ["REMOTE_ADDR"] = scope.client[0];
    if (scope.client[1] !== null) environ["REMOTE_PORT"] = String(scope.client[1]);
  }
  for (const [name, value] of scope.headers) addHeader(environ, name.toLowerCase(), value);
  return environ;
}

function serverKeys(scope: HTTPScope): { SERVER_NAME: string; SERVER_PORT: string } {
  const defaultPort = DEFAULT_PORTS[scope.scheme] ?? "80";
  if (scope.server !== null && scope.server[1] !== null) {
    return { SERVER_NAME: scope.server[0], SERVER_PORT: String(scope.server[1]) };
  }
  const host = getHeader(scope.headers, "host");
  if (host !== undefined && host !== "") {
    const match = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(host);
    if (match?.[1] !== undefined) return { SERVER_NAME: match[1], SERVER_PORT: match[2] ?? defaultPort };
  }
  return { SERVER_NAME: "localhost", SERVER_PORT: defaultPort };
}

function addHeader(environ: CgiEnviron, name: string, value: string): void {
  if (name === "content-type" || name === "content-length") {
    const key = name === "content-type" ? "CONTENT_TYPE" : "CONTENT_LENGTH";
    environ[key] = environ[key] === undefined ? value : `${environ[key]}, ${value}`;
    return;
  }
  if (name.includes("_")) return;
  const key = cgiKey(name);
  const existing = environ[key];
  if (existing === undefined) environ[key] = value;
  else environ[key] = `${existing}${name === "cookie" ? "; " : ", "}${value}`;
}

// eslint-disable-next-line no-control-regex
const ASCII = /^[\u0000-\u007f]*$/;

/** A path as a latin-1 string of its UTF-8 bytes; ASCII paths (the usual case) are already that. */
function toLatin1Bytes(path: string): string {
  return ASCII.test(path) ? path : utf8ToLatin1(path);
}

const keyCache = new Map<string, string>();

/** `x-request-id` → `HTTP_X_REQUEST_ID`, remembered for the header names seen most. */
function cgiKey(name: string): string {
  let key = keyCache.get(name);
  if (key === undefined) {
    key = `HTTP_${name.toUpperCase().replaceAll("-", "_")}`;
    if (keyCache.size < 512) keyCache.set(name, key);
  }
  return key;
}
