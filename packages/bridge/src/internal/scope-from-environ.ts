import { ASGI_SPEC_VERSION, ASGI_VERSION, latin1ToUtf8, type Environ, type Headers, type HTTPScope } from "@sluice/core";

const PATH_SAFE = /[A-Za-z0-9\-._~!$&'()*+,;=:@/]/;

/** Percent-encodes a latin-1 byte string for `raw_path`, keeping the characters a path may hold as they are. */
function percentEncode(bytes: string): string {
  let out = "";
  for (const char of bytes) {
    out += PATH_SAFE.test(char) ? char : `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

function httpVersion(protocol: unknown): HTTPScope["http_version"] {
  if (protocol === "HTTP/1.0") return "1.0";
  if (protocol === "HTTP/2" || protocol === "HTTP/2.0") return "2";
  return "1.1";
}

function text(environ: Environ, key: string): string | undefined {
  const value = environ[key];
  return typeof value === "string" ? value : undefined;
}

/**
 * Builds an async-interface HTTP scope from a sync-interface environ (the inverse of the pool's
 * environ building): `HTTP_*`, `CONTENT_TYPE` and `CONTENT_LENGTH` become lowercased headers,
 * `SCRIPT_NAME` becomes `root_path` and `SCRIPT_NAME + PATH_INFO` the decoded `path`.
 */
export function scopeFromEnviron(environ: Environ): HTTPScope {
  const headers: Headers = [];
  for (const [key, value] of Object.entries(environ)) {
    if (typeof value !== "string") continue;
    if (key === "CONTENT_TYPE" || key === "CONTENT_LENGTH") {
      if (value !== "") headers.push([key.toLowerCase().replace("_", "-"), value]);
    } else if (key.startsWith("HTTP_")) {
      headers.push([key.slice(5).toLowerCase().replaceAll("_", "-"), value]);
    }
  }
  const scriptName = text(environ, "SCRIPT_NAME") ?? "";
  const pathInfo = text(environ, "PATH_INFO") ?? "";
  const remoteAddr = text(environ, "REMOTE_ADDR");
  const remotePort = Number(text(environ, "REMOTE_PORT") ?? "0");
  const serverPort = Number(text(environ, "SERVER_PORT") ?? "80");
  return {
    type: "http",
    asgi: { version: ASGI_VERSION, spec_version: ASGI_SPEC_VERSION },
    http_version: httpVersion(environ.SERVER_PROTOCOL),
    method: environ.REQUEST_METHOD,
    scheme: environ["wsgi.url_scheme"],
    path: latin1ToUtf8(scriptName + pathInfo),
    raw_path: percentEncode(scriptName + pathInfo),
    query_string: environ.QUERY_STRING,
    root_path: latin1ToUtf8(scriptName),
    headers,
    client: remoteAddr === undefined ? null : [remoteAddr, Number.isInteger(remotePort) ? remotePort : 0],
    server: [environ.SERVER_NAME, Number.isInteger(serverPort) ? serverPort : 80],
    extensions: {},
  };
}
