import { isByteString } from "../latin1.js";
import type { Environ } from "../sync.js";
import { describeValue, fail, isRecord } from "./fail.js";
import { isToken } from "./value-checks.js";

const REQUIRED_KEYS = [
  "REQUEST_METHOD",
  "SCRIPT_NAME",
  "PATH_INFO",
  "QUERY_STRING",
  "SERVER_NAME",
  "SERVER_PORT",
  "SERVER_PROTOCOL",
  "wsgi.version",
  "wsgi.url_scheme",
  "wsgi.input",
  "wsgi.errors",
  "wsgi.multithread",
  "wsgi.multiprocess",
  "wsgi.run_once",
] as const;

const BOOLEAN_KEYS = ["wsgi.multithread", "wsgi.multiprocess", "wsgi.run_once", "wsgi.input_terminated"] as const;

/**
 * Checks an environ handed to a sync app by the server (required keys, CGI values as byte
 * strings, `wsgi.*` types, SCRIPT_NAME/PATH_INFO rules). Throws a `ProtocolError` naming the
 * first problem.
 */
export function checkEnviron(environ: unknown): asserts environ is Environ {
  if (!isRecord(environ)) fail("call-args", `the sync app was called with environ ${describeValue(environ)}; it must be an object`);
  for (const key of REQUIRED_KEYS) {
    if (!(key in environ)) fail("environ-required-key", `environ is missing the required key "${key}"`, environ);
  }
  for (const [key, value] of Object.entries(environ)) {
    if (!key.includes(".") && (typeof value !== "string" || !isByteString(value))) {
      fail("environ-cgi-string", `environ["${key}"] is ${describeValue(value)}; keys without a dot are CGI variables and must be latin-1 byte strings`, environ);
    }
  }
  for (const key of ["HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"]) {
    if (key in environ) {
      fail("environ-http-content-headers", `environ has "${key}"; the request's ${key.slice(5)} belongs in "${key.slice(5)}" without the HTTP_ prefix`, environ);
    }
  }
  checkWsgiKeys(environ);
  checkRequestLine(environ as unknown as Environ);
}

function checkWsgiKeys(environ: Record<string, unknown>): void {
  const version = environ["wsgi.version"];
  if (!Array.isArray(version) || version.length !== 2 || version[0] !== 1 || version[1] !== 0) {
    fail("environ-wsgi-version", `environ["wsgi.version"] is ${describeValue(version)}; it must be [1, 0]`, environ);
  }
  const scheme = environ["wsgi.url_scheme"];
  if (scheme !== "http" && scheme !== "https") {
    fail("environ-url-scheme", `environ["wsgi.url_scheme"] is ${describeValue(scheme)}; it must be "http" or "https"`, environ);
  }
  checkMethods(environ["wsgi.input"], "wsgi.input", ["read", "readline", "readlines"], "environ-input", environ);
  const input = environ["wsgi.input"] as Record<PropertyKey, unknown>;
  if (typeof input[Symbol.iterator] !== "function") {
    fail("environ-input", `environ["wsgi.input"] must be iterable (yielding lines)`, environ);
  }
  checkMethods(environ["wsgi.errors"], "wsgi.errors", ["write", "writelines", "flush"], "environ-errors", environ);
  for (const key of BOOLEAN_KEYS) {
    const value = environ[key];
    if (typeof value !== "boolean" && !(key === "wsgi.input_terminated" && value === undefined)) {
      fail("environ-wsgi-key-type", `environ["${key}"] is ${describeValue(value)}; it must be a boolean`, environ);
    }
  }
  const fileWrapper = environ["wsgi.file_wrapper"];
  if (fileWrapper !== undefined && typeof fileWrapper !== "function") {
    fail("environ-wsgi-key-type", `environ["wsgi.file_wrapper"] is ${describeValue(fileWrapper)}; it must be a function when present`, environ);
  }
}

function checkMethods(stream: unknown, key: string, methods: string[], rule: string, environ: unknown): void {
  const missing = isRecord(stream) ? methods.filter((method) => typeof stream[method] !== "function") : methods;
  if (missing.length > 0) {
    fail(rule, `environ["${key}"] lacks ${missing.map((method) => `${method}()`).join(", ")}`, environ);
  }
}

function checkRequestLine(environ: Environ): void {
  if (!isToken(environ.REQUEST_METHOD)) {
    fail("environ-request-method", `environ["REQUEST_METHOD"] is ${describeValue(environ.REQUEST_METHOD)}; it must be a non-empty method token`, environ);
  }
  const script = environ.SCRIPT_NAME;
  const path = environ.PATH_INFO;
  if ((script !== "" && !script.startsWith("/")) || script === "/") {
    fail("environ-script-name", `environ["SCRIPT_NAME"] is ${describeValue(script)}; it must be "" or start with "/", and is "" (not "/") for an app mounted at the root`, environ);
  }
  if ((path !== "" && !path.startsWith("/")) || (script === "" && path === "")) {
    fail("environ-path-info", `environ["PATH_INFO"] is ${describeValue(path)}; it must be "" or start with "/", and be at least "/" when SCRIPT_NAME is ""`, environ);
  }
  const length = environ.CONTENT_LENGTH;
  if (length !== undefined && length !== "" && !/^\d+$/.test(length)) {
    fail("environ-content-length", `environ["CONTENT_LENGTH"] is ${describeValue(length)}; it must be a decimal number of bytes (or absent)`, environ);
  }
}
