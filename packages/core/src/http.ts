import type { Address, AsgiInfo, Headers, State } from "./common.js";
import type { TlsExtension } from "./tls.js";

/**
 * Extensions a server may advertise in `scope.extensions`. A key being present (its value is
 * an object, usually empty) means the server supports the extension; apps must not send an
 * extension's events when its key is absent.
 *
 * @example
 * ```ts
 * if (scope.extensions?.["http.response.pathsend"]) {
 *   await send({ type: "http.response.pathsend", path: "/srv/file.bin" });
 * }
 * ```
 */
export interface ScopeExtensions {
  /** The response may end with `http.response.trailers` messages (only when the request had `TE: trailers`). */
  "http.response.trailers"?: Record<string, never>;
  /** The app may send a whole file by absolute path with `http.response.pathsend`. */
  "http.response.pathsend"?: Record<string, never>;
  /** The app may send `103 Early Hints` with `http.response.early_hint`. */
  "http.response.early_hint"?: Record<string, never>;
  /** The app may send file ranges by descriptor with `http.response.zerocopysend`. */
  "http.response.zerocopysend"?: Record<string, never>;
  /** A websocket app may answer the handshake with an HTTP response (`websocket.http.response.*`). */
  "websocket.http.response"?: Record<string, never>;
  /** TLS connection details; present only on TLS connections. */
  tls?: TlsExtension;
  /** Servers may add their own extensions under other names. */
  [name: string]: unknown;
}

/**
 * The connection scope of one HTTP request.
 *
 * @example
 * ```ts
 * async function app(scope: HTTPScope, receive: HTTPReceive, send: HTTPSend) {
 *   console.log(scope.method, scope.path, scope.query_string);
 * }
 * ```
 */
export interface HTTPScope {
  type: "http";
  asgi: AsgiInfo;
  /** `"1.0"`, `"1.1"` or `"2"`. */
  http_version: "1.0" | "1.1" | "2";
  /** Upper-case method, e.g. `"GET"`. */
  method: string;
  /** `"http"` or `"https"` (after trusted proxy headers are applied). Defaults to `"http"`. */
  scheme: string;
  /** Percent-decoded path (UTF-8), including `root_path`. */
  path: string;
  /** The path exactly as received, before percent-decoding, as a byte string; `null` when unknown. */
  raw_path: string | null;
  /** The part after `?`, not decoded, as a byte string; `""` when absent. */
  query_string: string;
  /** The mount point of the app; `path` starts with it. Defaults to `""`. */
  root_path: string;
  /** Request headers, names lowercased, order and duplicates kept. */
  headers: Headers;
  /** The remote peer, or `null` when unknown. */
  client: Address | null;
  /** The local address the request arrived on, or `null` when unknown. */
  server: Address | null;
  /** A shallow copy of the lifespan state, when the server supports lifespan state. */
  state?: State;
  /** Extensions the server supports. */
  extensions?: ScopeExtensions;
}

/**
 * A chunk of the request body. The last chunk has `more_body: false`.
 *
 * @example
 * ```ts
 * const event = await receive();
 * if (event.type === "http.request") chunks.push(event.body);
 * ```
 */
export interface HTTPRequestEvent {
  type: "http.request";
  /** Body bytes; may be empty. */
  body: Uint8Array;
  /** `true` when more body chunks follow. */
  more_body: boolean;
}

/**
 * Sent to the app when the client went away or the response has completed; every later
 * `receive()` returns it again.
 *
 * @example
 * ```ts
 * if ((await receive()).type === "http.disconnect") return;
 * ```
 */
export interface HTTPDisconnectEvent {
  type: "http.disconnect";
}

/**
 * Starts the response. The server holds it until the first body message.
 *
 * @example
 * ```ts
 * await send({ type: "http.response.start", status: 200, headers: [["content-type", "text/plain"]] });
 * ```
 */
export interface HTTPResponseStartEvent {
  type: "http.response.start";
  /** The final status code, an integer from 200 to 599 (103 goes through `http.response.early_hint`; 100 and 101 are sent by the server). */
  status: number;
  /** Response headers as byte strings. Default `[]`. */
  headers?: Headers | undefined;
  /** `true` when the response ends with `http.response.trailers`. Default `false`. */
  trailers?: boolean | undefined;
}

/**
 * A chunk of the response body.
 *
 * @example
 * ```ts
 * await send({ type: "http.response.body", body: new TextEncoder().encode("hi") });
 * ```
 */
export interface HTTPResponseBodyEvent {
  type: "http.response.body";
  /** Body bytes. Default empty. */
  body?: Uint8Array | undefined;
  /** `true` when more body chunks follow. Default `false`. */
  more_body?: boolean | undefined;
}

/**
 * Trailing headers (extension `http.response.trailers`), sent after the last body chunk when
 * `http.response.start` had `trailers: true`.
 *
 * @example
 * ```ts
 * await send({ type: "http.response.trailers", headers: [["x-checksum", sum]], more_trailers: false });
 * ```
 */
export interface HTTPResponseTrailersEvent {
  type: "http.response.trailers";
  /** Trailer headers. Default `[]`. */
  headers?: Headers | undefined;
  /** `true` when more trailer messages follow. Default `false`. */
  more_trailers?: boolean | undefined;
}

/**
 * Sends a whole file as the response body (extension `http.response.pathsend`); replaces all
 * `http.response.body` messages and ends the response.
 *
 * @example
 * ```ts
 * await send({ type: "http.response.pathsend", path: "/srv/www/index.html" });
 * ```
 */
export interface HTTPResponsePathsendEvent {
  type: "http.response.pathsend";
  /** Absolute path of the file to send. */
  path: string;
}

/**
 * Sends `103 Early Hints` before the final response (extension `http.response.early_hint`).
 *
 * @example
 * ```ts
 * await send({ type: "http.response.early_hint", links: ["</style.css>; rel=preload; as=style"] });
 * ```
 */
export interface HTTPResponseEarlyHintEvent {
  type: "http.response.early_hint";
  /** `Link` header values as byte strings. */
  links: string[];
}

/**
 * Sends part of an open file by descriptor (extension `http.response.zerocopysend`).
 *
 * @example
 * ```ts
 * await send({ type: "http.response.zerocopysend", file: fd, offset: 0, count: size });
 * ```
 */
export interface HTTPResponseZerocopysendEvent {
  type: "http.response.zerocopysend";
  /** An open, readable file descriptor. */
  file: number;
  /** Where to start reading; default: the descriptor's current position. */
  offset?: number | undefined;
  /** How many bytes to send; default: to the end of the file. */
  count?: number | undefined;
  /** `true` when more body messages follow. Default `false`. */
  more_body?: boolean | undefined;
}

/**
 * Every event an HTTP app can receive.
 *
 * @example
 * ```ts
 * const event: HTTPReceiveEvent = await receive();
 * ```
 */
export type HTTPReceiveEvent = HTTPRequestEvent | HTTPDisconnectEvent;

/**
 * Every event an HTTP app can send.
 *
 * @example
 * ```ts
 * const events: HTTPSendEvent[] = [{ type: "http.response.start", status: 204 }, { type: "http.response.body" }];
 * ```
 */
export type HTTPSendEvent =
  | HTTPResponseStartEvent
  | HTTPResponseBodyEvent
  | HTTPResponseTrailersEvent
  | HTTPResponsePathsendEvent
  | HTTPResponseEarlyHintEvent
  | HTTPResponseZerocopysendEvent;

/**
 * The `receive` callable of an HTTP connection.
 *
 * @example
 * ```ts
 * const receive: HTTPReceive = async () => ({ type: "http.request", body: new Uint8Array(), more_body: false });
 * ```
 */
export type HTTPReceive = () => Promise<HTTPReceiveEvent>;

/**
 * The `send` callable of an HTTP connection. Resolves when the event has been handed to the
 * socket; rejects with `ClientDisconnected` once the client has gone.
 *
 * @example
 * ```ts
 * const send: HTTPSend = async (event) => { console.log(event.type); };
 * ```
 */
export type HTTPSend = (event: HTTPSendEvent) => Promise<void>;
