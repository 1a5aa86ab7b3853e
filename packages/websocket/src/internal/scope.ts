import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { Address, Headers, WebSocketScope } from "@sluice/core";
import {
  ASGI_SPEC_VERSION,
  ASGI_VERSION,
  getHeaderValues,
  parseRequestTarget,
  splitHeaderList,
} from "@sluice/core";
import type { WebSocketScopeOverrides } from "../options.js";

/** The fields where node:net caches a socket's addresses once they have been asked for. */
type AddressCaches = Socket & { _peername?: unknown; _sockname?: unknown };

/**
 * The peer's address. Asking a socket for it makes node:net keep an `{ address, family, port }`
 * object on the socket for its whole life; a WebSocket lives long and the scope already holds
 * the answer, so the cache is emptied again when it was empty before (the next question fills
 * it anew, so nothing changes for anyone else who asks).
 */
function remoteAddress(socket: AddressCaches): Address | null {
  const cached = socket._peername;
  const host = socket.remoteAddress;
  const port = socket.remotePort;
  if (cached === undefined || cached === null) socket._peername = cached;
  return host === undefined ? null : [sharedString(host), port ?? null];
}

/** The local address, read like {@link remoteAddress} (without leaving node:net's cache behind). */
function localAddress(socket: AddressCaches): Address | null {
  const cached = socket._sockname;
  const host = socket.localAddress;
  const port = socket.localPort;
  if (cached === undefined || cached === null) socket._sockname = cached;
  return host === undefined ? null : [sharedString(host), port ?? null];
}

/** Shared by every scope (frozen): the interface version and the extension marker. */
const ASGI = Object.freeze({ version: ASGI_VERSION, spec_version: ASGI_SPEC_VERSION });
const SUPPORTED = Object.freeze({}) as Record<string, never>;

/**
 * Lowercased header names seen before. A scope lives as long as its connection, so sharing
 * one string per common name (instead of one lowercased copy per connection) is a measurable
 * part of memory per idle connection. Bounded, so unusual names cannot grow it without end.
 */
const lowercaseNames = new Map<string, string>();
const LOWERCASE_NAMES_LIMIT = 512;
/** Longer strings are never kept in the shared tables, so those stay small whatever clients send. */
const SHARED_LENGTH_LIMIT = 256;

function lowercaseName(name: string): string {
  let lower = lowercaseNames.get(name);
  if (lower === undefined) {
    lower = name.toLowerCase();
    if (lowercaseNames.size < LOWERCASE_NAMES_LIMIT && name.length <= SHARED_LENGTH_LIMIT) lowercaseNames.set(name, lower);
  }
  return lower;
}

/**
 * Strings that are the same on most handshakes: the values of headers such as `Upgrade`,
 * `Sec-WebSocket-Version`, `Host`, `Origin` or `User-Agent`, the path, the addresses. Sharing
 * one copy, like the names, saves a string per connection for each. Only values of the headers
 * listed below are looked up (a per-connection value such as `Sec-WebSocket-Key` would just
 * fill the table), and the table is bounded like the names.
 */
const sharedStrings = new Map<string, string>();
const SHARED_STRINGS_LIMIT = 1024;

function sharedString(value: string): string {
  const shared = sharedStrings.get(value);
  if (shared !== undefined) return shared;
  if (sharedStrings.size >= SHARED_STRINGS_LIMIT || value.length > SHARED_LENGTH_LIMIT) return value;
  // A substring (the path is one) may be stored as a view of the whole string it was cut
  // from; the table keeps a copy of its own, so it never holds on to a request's URL.
  const copy = JSON.parse(JSON.stringify(value)) as string;
  sharedStrings.set(copy, copy);
  return copy;
}

const REPEATED_VALUE_HEADERS = new Set([
  "host",
  "upgrade",
  "connection",
  "origin",
  "user-agent",
  "pragma",
  "cache-control",
  "accept-encoding",
  "accept-language",
  "sec-websocket-version",
  "sec-websocket-extensions",
  "sec-websocket-protocol",
]);

function headerValue(name: string, value: string): string {
  return REPEATED_VALUE_HEADERS.has(name) ? sharedString(value) : value;
}

/**
 * Header lines that most handshakes carry word for word (ws, browsers, Python clients). Each is
 * an array literal of constants, which V8 stores with copy-on-write elements; a `slice()` of
 * one is a new, independent array that shares those elements until someone writes to it, so it
 * costs half of a fresh `[name, value]` pair. Nothing observable changes: every scope still
 * gets its own arrays, and writing to one copies it first.
 */
const COMMON_LINES: ReadonlyArray<readonly [string, string]> = [
  ["upgrade", "websocket"],
  ["upgrade", "WebSocket"],
  ["connection", "Upgrade"],
  ["connection", "upgrade"],
  ["connection", "keep-alive, Upgrade"],
  ["sec-websocket-version", "13"],
  ["sec-websocket-extensions", "permessage-deflate; client_max_window_bits"],
  ["sec-websocket-extensions", "permessage-deflate"],
  ["pragma", "no-cache"],
  ["cache-control", "no-cache"],
  ["accept", "*/*"],
  ["accept-encoding", "gzip, deflate, br, zstd"],
  ["accept-encoding", "gzip, deflate, br"],
  ["accept-encoding", "gzip, deflate"],
  ["sec-fetch-dest", "websocket"],
  ["sec-fetch-dest", "empty"],
  ["sec-fetch-mode", "websocket"],
  ["sec-fetch-site", "same-origin"],
  ["sec-fetch-site", "same-site"],
  ["sec-fetch-site", "cross-site"],
];
const commonLines = new Map<string, Map<string, readonly [string, string]>>();
for (const line of COMMON_LINES) {
  let byValue = commonLines.get(line[0]);
  if (byValue === undefined) commonLines.set(line[0], (byValue = new Map<string, readonly [string, string]>()));
  byValue.set(line[1], line);
}

function headerLine(name: string, value: string): [string, string] {
  const common = commonLines.get(name)?.get(value);
  if (common !== undefined) return common.slice() as [string, string];
  return [name, headerValue(name, value)];
}

/**
 * Like `headersFromRawHeaders` from core (names lowercased, order and duplicates kept), with
 * shared strings and common lines, in an array of exactly the needed length (an array grown
 * by `push` keeps spare capacity for as long as the connection lives).
 */
function scopeHeaders(rawHeaders: readonly string[]): Headers {
  const count = rawHeaders.length >> 1;
  const headers: Headers = new Array<[string, string]>(count);
  for (let i = 0; i < count; i++) {
    headers[i] = headerLine(lowercaseName(rawHeaders[2 * i] as string), rawHeaders[2 * i + 1] as string);
  }
  return headers;
}

/**
 * Builds the `websocket` scope of an upgrade request. Throws the `ProtocolError` of
 * `parseRequestTarget` (rule `"path-encoding"`) when the path does not decode.
 */
export function buildScope(req: IncomingMessage, overrides: WebSocketScopeOverrides | undefined): WebSocketScope {
  const target = parseRequestTarget(req.url ?? "/");
  const socket = req.socket;
  const headers = scopeHeaders(req.rawHeaders);
  const subprotocols = getHeaderValues(headers, "sec-websocket-protocol").flatMap(splitHeaderList);
  const rootPath = overrides?.root_path ?? "";
  const encrypted = (socket as Socket & { encrypted?: boolean }).encrypted === true;
  const scope: WebSocketScope = {
    type: "websocket",
    asgi: ASGI,
    http_version: req.httpVersionMajor === 2 ? "2" : "1.1",
    scheme: overrides?.scheme ?? (encrypted ? "wss" : "ws"),
    path: rootPath === "" ? sharedString(target.path) : rootPath + target.path,
    raw_path: target.raw_path === target.path ? sharedString(target.raw_path) : target.raw_path,
    query_string: target.query_string,
    root_path: rootPath,
    headers,
    client: overrides?.client !== undefined ? overrides.client : remoteAddress(socket),
    server: overrides?.server !== undefined ? overrides.server : localAddress(socket),
    subprotocols,
    extensions:
      overrides?.extensions === undefined
        ? { "websocket.http.response": SUPPORTED }
        : { "websocket.http.response": SUPPORTED, ...overrides.extensions },
  };
  if (overrides?.state !== undefined) scope.state = { ...overrides.state };
  return scope;
}
