import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { App } from "@sluice/core";
import { ProtocolError } from "@sluice/core";
import { WebSocketServer, type WebSocket } from "ws";
import type { VerifyCallback } from "./internal/connection.js";
import { Connection } from "./internal/connection.js";
import { rejectRawSocket } from "./internal/http-response.js";
import { KeepaliveSweep } from "./internal/keepalive.js";
import { buildScope } from "./internal/scope.js";
import type { ResolvedWebSocketOptions, WebSocketOptions, WebSocketScopeOverrides } from "./options.js";
import { resolveOptions } from "./options.js";

/**
 * Serves the `websocket` scope of an app on upgrade requests of any `node:http` (or
 * `node:https`) server. Created by {@link createWebSocketHandler}.
 *
 * @example
 * ```ts
 * const handler = createWebSocketHandler(app);
 * httpServer.on("upgrade", handler.handleUpgrade);
 * // later
 * await handler.close();
 * ```
 */
export interface WebSocketHandler {
  /**
   * Takes over an upgrade request: checks the handshake, calls the app with a `websocket`
   * scope and answers as the app decides. Already bound, so it can be passed as a listener.
   * `overrides` replaces scope values derived from the request.
   */
  readonly handleUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer, overrides?: WebSocketScopeOverrides) => void;
  /**
   * Graceful shutdown: refuses new upgrades (503), sends close `code` (default 1012, service
   * restart) to every open connection and a 503 to every unanswered handshake, then waits
   * until every socket is closed and every app call has returned. Whatever is still open
   * after `timeoutMs` (default: the `closeTimeout` option, 30 s) is terminated.
   */
  close(code?: number, timeoutMs?: number): Promise<void>;
  /** Connections whose socket is still open (handshakes in progress included). */
  readonly size: number;
}

class Handler implements WebSocketHandler {
  readonly options: ResolvedWebSocketOptions;
  readonly #app: App;
  readonly #wss: WebSocketServer;
  readonly #open = new Set<Connection>();
  /** App calls that have not returned yet. */
  #running = 0;
  readonly #keepalive: KeepaliveSweep;
  /** The socket and overrides of the upgrade ws is checking right now (during `handleUpgrade`). */
  #upgradeSocket: Duplex | undefined;
  #upgradeOverrides: WebSocketScopeOverrides | undefined;
  #accepting: Connection | undefined;
  #acceptSubprotocol: string | undefined;
  #acceptHeaderLines: string[] | undefined;
  #closing: Promise<void> | undefined;
  #idle: (() => void) | undefined;

  constructor(app: App, options: WebSocketOptions | undefined) {
    this.#app = app;
    this.options = resolveOptions(options);
    this.#keepalive = new KeepaliveSweep(this.#open, this.options.pingInterval, this.options.pingTimeout);
    this.#wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      maxPayload: this.options.maxSize,
      perMessageDeflate: this.options.perMessageDeflate,
      verifyClient: (info: { req: IncomingMessage }, callback: VerifyCallback) => {
        this.#startConnection(info.req, callback);
      },
      handleProtocols: () => this.#acceptSubprotocol ?? false,
    });
    this.#wss.on("headers", (headers: string[]) => {
      const extra = this.#acceptHeaderLines;
      if (extra !== undefined) headers.push(...extra);
    });
  }

  get size(): number {
    return this.#open.size;
  }

  readonly handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer, overrides?: WebSocketScopeOverrides): void => {
    if (this.#closing !== undefined) {
      socket.on("error", destroyOnError);
      rejectRawSocket(socket, 503, "The server is shutting down.");
      return;
    }
    // From here on ws has an 'error' listener on the socket (it destroys the socket), and
    // after the upgrade the WebSocket has its own.
    this.#upgradeSocket = socket;
    this.#upgradeOverrides = overrides;
    try {
      this.#wss.handleUpgrade(req, socket, head, this.#upgraded);
    } catch (error) {
      this.options.logger.error("websocket upgrade failed", error);
      socket.destroy();
    } finally {
      this.#upgradeSocket = undefined;
      this.#upgradeOverrides = undefined;
    }
  };

  /** ws completed an upgrade (inside the verify callback of the connection being accepted). */
  readonly #upgraded = (ws: WebSocket): void => {
    const connection = this.#accepting;
    if (connection === undefined) {
      ws.terminate();
      return;
    }
    connection.attach(ws);
  };

  #startConnection(req: IncomingMessage, verify: VerifyCallback): void {
    const socket = this.#upgradeSocket;
    if (socket === undefined) {
      verify(false, 500);
      return;
    }
    let scope;
    try {
      scope = buildScope(req, this.#upgradeOverrides);
    } catch (error) {
      if (error instanceof ProtocolError) {
        verify(false, 400, "Invalid request path encoding.");
        return;
      }
      throw error;
    }
    const connection = new Connection(this, scope, socket, verify);
    this.#open.add(connection);
    this.#running += 1;
    connection.run(this.#app, scope);
  }

  get keepaliveTick(): number {
    return this.#keepalive.tick;
  }

  setAccepting(connection: Connection | undefined, subprotocol: string | undefined, headerLines: string[] | undefined): void {
    this.#accepting = connection;
    this.#acceptSubprotocol = subprotocol;
    this.#acceptHeaderLines = headerLines;
    if (connection !== undefined) this.#keepalive.start();
  }

  socketClosed(connection: Connection): void {
    this.#open.delete(connection);
    this.#checkIdle();
  }

  appSettled(): void {
    this.#running -= 1;
    this.#checkIdle();
  }

  #checkIdleSockets(): void {
    if (this.#open.size === 0) this.#idle?.();
  }

  #checkIdle(): void {
    if (this.#idle !== undefined && this.#open.size === 0 && this.#running === 0) this.#idle();
  }

  close(code = 1012, timeoutMs = this.options.closeTimeout): Promise<void> {
    this.#closing ??= this.#shutdown(code, timeoutMs);
    return this.#closing;
  }

  async #shutdown(code: number, timeoutMs: number): Promise<void> {
    const idle = new Promise<void>((resolve) => {
      this.#idle = resolve;
    });
    for (const connection of this.#open) connection.shutdown(code);
    this.#checkIdle();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      idle.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(resolve, timeoutMs, true);
      }),
    ]);
    clearTimeout(timer);
    this.#keepalive.stop();
    if (!timedOut) return;
    if (this.#open.size > 0) {
      this.options.logger.warn(`terminating ${this.#open.size} websocket connection(s) still open after ${timeoutMs} ms`);
      const sockets = new Promise<void>((resolve) => {
        this.#idle = () => {
          if (this.#open.size === 0) resolve();
        };
      });
      for (const connection of [...this.#open]) connection.terminate();
      this.#checkIdleSockets();
      await sockets;
    }
    if (this.#running > 0) {
      this.options.logger.warn(`${this.#running} websocket app call(s) had not returned ${timeoutMs} ms after close()`);
    }
  }
}

/**
 * Creates the WebSocket side of a server: an upgrade handler that runs `app` with a
 * `websocket` scope for every upgrade request, on top of the `ws` package.
 *
 * The handshake is held until the app answers: `websocket.accept` → `101` (with the chosen
 * subprotocol and extra headers), `websocket.close` → `403`, a denial response
 * (`websocket.http.response.start`/`.body`) → that response, an exception or a return
 * without answering → `500` (logged, as uvicorn does).
 *
 * Options (all optional): `maxSize` (16 MiB), `pingInterval` (20 000 ms, `0` = off),
 * `pingTimeout` (20 000 ms), `perMessageDeflate` (`false`), `sendHighWaterMark` (64 KiB),
 * `receiveQueueMessages` (16), `receiveQueueBytes` (1 MiB), `closeTimeout` (30 000 ms),
 * `logger` (`console`). Throws a `WebSocketOptionError` for an out-of-range option.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { createWebSocketHandler } from "@sluice/websocket";
 *
 * const handler = createWebSocketHandler(async (scope, receive, send) => {
 *   if (scope.type !== "websocket") return;
 *   await receive(); // websocket.connect
 *   await send({ type: "websocket.accept" });
 *   for (;;) {
 *     const event = await receive();
 *     if (event.type === "websocket.disconnect") return;
 *     if (event.type === "websocket.receive") await send({ type: "websocket.send", text: event.text ?? "", bytes: null });
 *   }
 * });
 * createServer().on("upgrade", handler.handleUpgrade).listen(8000);
 * ```
 */
export function createWebSocketHandler(app: App, options?: WebSocketOptions): WebSocketHandler {
  return new Handler(app, options);
}

/** The 'error' listener of a socket answered without ws. */
function destroyOnError(this: Duplex): void {
  this.destroy();
}
