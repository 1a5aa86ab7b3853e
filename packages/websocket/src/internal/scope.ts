import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { Address, WebSocketScope } from "@sluice/core";
import {
  ASGI_SPEC_VERSION,
  ASGI_VERSION,
  getHeaderValues,
  headersFromRawHeaders,
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

/**
 * Builds the `websocket` scope of an upgrade request. Throws the `ProtocolError` of
 * `parseRequestTarget` (rule `"path-encoding"`) when the path does not decode.
 */
export function buildScope(req: IncomingMessage, overrides: WebSocketScopeOverrides | undefined): WebSocketScope {
  const target = parseRequestTarget(req.url ?? "/");
  const socket = req.socket;
  const headers = headersFromRawHeaders(req.rawHeaders);
  const subprotocols = getHeaderValues(headers, "sec-websocket-protocol").flatMap(splitHeaderList);
  const rootPath = overrides?.root_path ?? "";
  const encrypted = (socket as Socket & { encrypted?: boolean }).encrypted === true;
  const scope: WebSocketScope = {
    type: "websocket",
    asgi: { version: ASGI_VERSION, spec_version: ASGI_SPEC_VERSION },
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
    extensions: { "websocket.http.response": {}, ...overrides?.extensions },
  };
  if (overrides?.state !== undefined) scope.state = { ...overrides.state };
  return scope;
}
