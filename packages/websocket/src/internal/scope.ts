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

function remoteAddress(socket: Socket): Address | null {
  const host = socket.remoteAddress;
  return host === undefined ? null : [host, socket.remotePort ?? null];
}

function localAddress(socket: Socket): Address | null {
  const host = socket.localAddress;
  return host === undefined ? null : [host, socket.localPort ?? null];
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

function lowercaseName(name: string): string {
  let lower = lowercaseNames.get(name);
  if (lower === undefined) {
    lower = name.toLowerCase();
    if (lowercaseNames.size < LOWERCASE_NAMES_LIMIT) lowercaseNames.set(name, lower);
  }
  return lower;
}

/** Like `headersFromRawHeaders` from core (names lowercased, order and duplicates kept), with shared name strings. */
function scopeHeaders(rawHeaders: readonly string[]): Headers {
  const headers: Headers = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    headers.push([lowercaseName(rawHeaders[i] as string), rawHeaders[i + 1] as string]);
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
    path: rootPath + target.path,
    raw_path: target.raw_path,
    query_string: target.query_string,
    root_path: rootPath,
    headers,
    client: overrides?.client !== undefined ? overrides.client : remoteAddress(socket),
    server: overrides?.server !== undefined ? overrides.server : localAddress(socket),
    subprotocols,
    extensions: { "websocket.http.response": SUPPORTED, ...overrides?.extensions },
  };
  if (overrides?.state !== undefined) scope.state = { ...overrides.state };
  return scope;
}
