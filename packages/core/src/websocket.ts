import type { Address, AsgiInfo, Headers, State } from "./common.js";
import type { ScopeExtensions } from "./http.js";

/**
 * The connection scope of one WebSocket, created when the upgrade request arrives and kept
 * until the socket closes.
 *
 * @example
 * ```ts
 * async function app(scope: WebSocketScope, receive: WebSocketReceive, send: WebSocketSend) {
 *   await receive(); // websocket.connect
 *   await send({ type: "websocket.accept", subprotocol: scope.subprotocols[0] });
 * }
 * ```
 */
export interface WebSocketScope {
  type: "websocket";
  asgi: AsgiInfo;
  /** `"1.1"` or `"2"`. */
  http_version: "1.1" | "2";
  /** `"ws"` or `"wss"`. Defaults to `"ws"`. */
  scheme: string;
  /** Percent-decoded path (UTF-8), including `root_path`. */
  path: string;
  /** The path exactly as received, as a byte string; `null` when unknown. */
  raw_path: string | null;
  /** The part after `?`, not decoded, as a byte string. */
  query_string: string;
  /** The mount point of the app. Defaults to `""`. */
  root_path: string;
  /** Handshake request headers, names lowercased, order and duplicates kept. */
  headers: Headers;
  /** The remote peer, or `null`. */
  client: Address | null;
  /** The local address, or `null`. */
  server: Address | null;
  /** Subprotocols the client offered in `Sec-WebSocket-Protocol`, in order. Defaults to `[]`. */
  subprotocols: string[];
  /** A shallow copy of the lifespan state. */
  state?: State;
  /** Extensions the server supports. */
  extensions?: ScopeExtensions;
}

/**
 * The first event of every WebSocket connection: the client asks to connect.
 *
 * @example
 * ```ts
 * const first = await receive(); // { type: "websocket.connect" }
 * ```
 */
export interface WebSocketConnectEvent {
  type: "websocket.connect";
}

/**
 * Accepts the handshake (answered with `101 Switching Protocols`).
 *
 * @example
 * ```ts
 * await send({ type: "websocket.accept", subprotocol: "chat.v1", headers: [["x-room", "lobby"]] });
 * ```
 */
export interface WebSocketAcceptEvent {
  type: "websocket.accept";
  /** The chosen subprotocol; must be one the client offered. Default: none. */
  subprotocol?: string | null | undefined;
  /** Extra response headers for the 101 answer. Default `[]`. */
  headers?: Headers | undefined;
}

/**
 * A complete message from the client: exactly one of `bytes` or `text` is set.
 *
 * @example
 * ```ts
 * const event = await receive();
 * if (event.type === "websocket.receive" && event.text !== undefined) console.log(event.text);
 * ```
 */
export interface WebSocketReceiveEvent {
  type: "websocket.receive";
  /** A binary message, or absent/`null` for text. */
  bytes?: Uint8Array | null | undefined;
  /** A text message, or absent/`null` for binary. */
  text?: string | null | undefined;
}

/**
 * Sends one message to the client: exactly one of `bytes` or `text` must be set.
 *
 * @example
 * ```ts
 * await send({ type: "websocket.send", text: "hello" });
 * ```
 */
export interface WebSocketSendEvent {
  type: "websocket.send";
  /** A binary message. */
  bytes?: Uint8Array | null | undefined;
  /** A text message. */
  text?: string | null | undefined;
}

/**
 * The connection closed (by the peer, a protocol error, or after the app's own close).
 *
 * @example
 * ```ts
 * const event = await receive();
 * if (event.type === "websocket.disconnect") console.log("closed", event.code, event.reason);
 * ```
 */
export interface WebSocketDisconnectEvent {
  type: "websocket.disconnect";
  /** The close code; `1005` when the peer sent none, `1006` when the connection dropped. */
  code: number;
  /** The close reason; `""` when none. */
  reason: string;
}

/**
 * Closes the connection; before accept it rejects the handshake with HTTP 403.
 *
 * @example
 * ```ts
 * await send({ type: "websocket.close", code: 4000, reason: "room is full" });
 * ```
 */
export interface WebSocketCloseEvent {
  type: "websocket.close";
  /** Close code. Default `1000`. */
  code?: number | undefined;
  /** Close reason (at most 123 bytes of UTF-8). Default `""`. */
  reason?: string | undefined;
}

/**
 * Rejects the handshake with an HTTP response (extension `websocket.http.response`).
 *
 * @example
 * ```ts
 * await send({ type: "websocket.http.response.start", status: 401, headers: [["content-type", "text/plain"]] });
 * ```
 */
export interface WebSocketHTTPResponseStartEvent {
  type: "websocket.http.response.start";
  /** The HTTP status of the denial response. */
  status: number;
  /** Response headers. Default `[]`. */
  headers?: Headers | undefined;
}

/**
 * A body chunk of a denial response (extension `websocket.http.response`).
 *
 * @example
 * ```ts
 * await send({ type: "websocket.http.response.body", body: new TextEncoder().encode("login first") });
 * ```
 */
export interface WebSocketHTTPResponseBodyEvent {
  type: "websocket.http.response.body";
  /** Body bytes. Default empty. */
  body?: Uint8Array | undefined;
  /** `true` when more chunks follow. Default `false`. */
  more_body?: boolean | undefined;
}

/**
 * Every event a WebSocket app can receive.
 *
 * @example
 * ```ts
 * const event: WebSocketReceiveEventAny = await receive();
 * ```
 */
export type WebSocketReceiveEventAny = WebSocketConnectEvent | WebSocketReceiveEvent | WebSocketDisconnectEvent;

/**
 * Every event a WebSocket app can send.
 *
 * @example
 * ```ts
 * const reply: WebSocketSendEventAny = { type: "websocket.send", text: "pong" };
 * ```
 */
export type WebSocketSendEventAny =
  | WebSocketAcceptEvent
  | WebSocketSendEvent
  | WebSocketCloseEvent
  | WebSocketHTTPResponseStartEvent
  | WebSocketHTTPResponseBodyEvent;

/**
 * The `receive` callable of a WebSocket connection.
 *
 * @example
 * ```ts
 * const event = await (receive as WebSocketReceive)();
 * ```
 */
export type WebSocketReceive = () => Promise<WebSocketReceiveEventAny>;

/**
 * The `send` callable of a WebSocket connection; rejects with `ClientDisconnected` after close.
 *
 * @example
 * ```ts
 * await (send as WebSocketSend)({ type: "websocket.send", bytes: new Uint8Array([1, 2]) });
 * ```
 */
export type WebSocketSend = (event: WebSocketSendEventAny) => Promise<void>;
