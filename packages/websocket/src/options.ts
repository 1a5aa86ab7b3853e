import type { Address, ScopeExtensions, State } from "@sluice/core";
import { WebSocketOptionError } from "./errors.js";

/**
 * Where the handler reports what it cannot hand to the app: exceptions raised by the app,
 * apps that return without answering the handshake, and similar server-side problems.
 * `console` fits.
 *
 * @example
 * ```ts
 * const logger: WebSocketLogger = { error: (message, error) => myLog.error({ error }, message), warn: (m) => myLog.warn(m) };
 * ```
 */
export interface WebSocketLogger {
  /** Something went wrong in the app (an exception, a broken handshake). */
  error(message: string, error?: unknown): void;
  /** Something worth knowing that is not a failure (e.g. a forced termination at shutdown). */
  warn(message: string, detail?: unknown): void;
}

/**
 * Options of {@link createWebSocketHandler}. Every option is optional.
 *
 * @example
 * ```ts
 * const handler = createWebSocketHandler(app, { maxSize: 1024 * 1024, pingInterval: 30_000 });
 * ```
 */
export interface WebSocketOptions {
  /** Largest accepted message in bytes; a bigger one closes the connection with 1009. Default 16 MiB. */
  maxSize?: number | undefined;
  /** Milliseconds between keepalive pings; `0` disables pings. Default `20_000`. */
  pingInterval?: number | undefined;
  /** Milliseconds to wait for the pong before the peer is terminated (the app gets 1006). Default `20_000`. */
  pingTimeout?: number | undefined;
  /** Negotiate the `permessage-deflate` extension when a client offers it. Default `false` (see the README). */
  perMessageDeflate?: boolean | undefined;
  /** Bytes queued on the socket above which `send()` waits until they are written. Default 64 KiB. */
  sendHighWaterMark?: number | undefined;
  /** Received messages queued for an app that is not calling `receive()` before reading pauses. Default `16`. */
  receiveQueueMessages?: number | undefined;
  /** Received bytes queued for an app that is not calling `receive()` before reading pauses. Default 1 MiB. */
  receiveQueueBytes?: number | undefined;
  /** Milliseconds `close()` waits by default before terminating what is still open. Default `30_000`. */
  closeTimeout?: number | undefined;
  /** Where errors and warnings go. Default `console`. */
  logger?: WebSocketLogger | undefined;
}

/**
 * Scope values a server already knows better than the raw request (e.g. after applying
 * proxy headers, a root path or lifespan state). Each given key replaces the derived value.
 *
 * @example
 * ```ts
 * handler.handleUpgrade(req, socket, head, { client: ["203.0.113.9", 0], scheme: "wss", root_path: "/api" });
 * ```
 */
export interface WebSocketScopeOverrides {
  /** The remote peer. Default: the socket's remote address and port. */
  client?: Address | null | undefined;
  /** The local address. Default: the socket's local address and port. */
  server?: Address | null | undefined;
  /** `"ws"` or `"wss"`. Default: `"wss"` when the socket is encrypted, else `"ws"`. */
  scheme?: string | undefined;
  /** The mount point; prefixed to `path` (as uvicorn does). Default `""`. */
  root_path?: string | undefined;
  /** Lifespan state; each connection gets a shallow copy. Default: no `state` key. */
  state?: State | undefined;
  /** Extra scope extensions, merged over `{ "websocket.http.response": {} }`. */
  extensions?: ScopeExtensions | undefined;
}

/** Options after defaults are applied. */
export interface ResolvedWebSocketOptions {
  maxSize: number;
  pingInterval: number;
  pingTimeout: number;
  perMessageDeflate: boolean;
  sendHighWaterMark: number;
  receiveQueueMessages: number;
  receiveQueueBytes: number;
  closeTimeout: number;
  logger: WebSocketLogger;
}

/**
 * The default `maxSize`: 16 MiB (16 777 216 bytes), the same as uvicorn's `--ws-max-size`.
 *
 * @example
 * ```ts
 * createWebSocketHandler(app, { maxSize: DEFAULT_MAX_SIZE / 16 }); // 1 MiB
 * ```
 */
export const DEFAULT_MAX_SIZE = 16 * 1024 * 1024;

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new WebSocketOptionError(name, `must be a finite number >= 0, got ${String(value)}`);
  }
  return value;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  const resolved = nonNegative(name, value, fallback);
  if (resolved === 0) throw new WebSocketOptionError(name, "must be greater than 0");
  return resolved;
}

/** Applies defaults and checks ranges; throws a `WebSocketOptionError` naming the bad option. */
export function resolveOptions(options: WebSocketOptions = {}): ResolvedWebSocketOptions {
  return {
    maxSize: positive("maxSize", options.maxSize, DEFAULT_MAX_SIZE),
    pingInterval: nonNegative("pingInterval", options.pingInterval, 20_000),
    pingTimeout: positive("pingTimeout", options.pingTimeout, 20_000),
    perMessageDeflate: options.perMessageDeflate ?? false,
    sendHighWaterMark: nonNegative("sendHighWaterMark", options.sendHighWaterMark, 64 * 1024),
    receiveQueueMessages: positive("receiveQueueMessages", options.receiveQueueMessages, 16),
    receiveQueueBytes: positive("receiveQueueBytes", options.receiveQueueBytes, 1024 * 1024),
    closeTimeout: nonNegative("closeTimeout", options.closeTimeout, 30_000),
    logger: options.logger ?? console,
  };
}
