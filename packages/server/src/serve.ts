import type { App } from "@sluice/core";
import type { Logger } from "./logger.js";
import { consoleLogger } from "./logger.js";
import type { ServeOptions } from "./options.js";
import { resolveOptions } from "./internal/resolve-options.js";
import { SluiceServer } from "./internal/sluice-server.js";
import type { Server } from "node:http";

/**
 * A listening server returned by {@link serve}.
 *
 * @example
 * ```ts
 * const server = await serve(app, { port: 0 });
 * console.log(server.url); // "http://127.0.0.1:43123"
 * await server.close();
 * ```
 */
export interface RunningServer {
  /** Base URL: `http://host:port`, `https://…` with TLS, `http+unix://<encoded path>` on a unix socket. */
  readonly url: string;
  /** The bound host (the unix socket path with `uds`). */
  readonly host: string;
  /** The bound TCP port (`0` on a unix socket). */
  readonly port: number;
  /** The underlying `node:http` (or `node:https`) server. */
  readonly server: Server;
  /** Resolves once the server has fully stopped, whether by `close()` or by `limitMaxRequests`. */
  readonly closed: Promise<void>;
  /**
   * Graceful shutdown: stop accepting, close idle keep-alive connections, let in-flight
   * requests finish (up to `timeoutGracefulShutdown`, then force), close WebSockets with
   * 1012, then run lifespan shutdown. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Serves an async-interface app over HTTP/1.1 (and WebSocket via `@sluice/websocket`).
 * Runs lifespan startup first and listens only after `lifespan.startup.complete`.
 *
 * @param app the application
 * @param options see {@link ServeOptions}; every option defaults as documented there
 * @returns the running server once it is listening
 * @throws `LifespanStartupFailed` when the app fails startup, `InvalidServerOption` for a bad option, or the listen error (e.g. `EADDRINUSE`)
 *
 * @example
 * ```ts
 * import { serve } from "@sluice/server";
 * const server = await serve(async (scope, receive, send) => {
 *   if (scope.type !== "http") return;
 *   await send({ type: "http.response.start", status: 200, headers: [["content-type", "text/plain"]] });
 *   await send({ type: "http.response.body", body: new TextEncoder().encode("Hello, World!") });
 * }, { host: "127.0.0.1", port: 0, accessLog: false, lifespan: "off" });
 * console.log(server.url);
 * await server.close();
 * ```
 */
export async function serve(app: App, options: ServeOptions = {}): Promise<RunningServer> {
  return startServer(app, options, null);
}

/** A {@link RunningServer} with the supervisor's extra stop mode (internal). */
export interface SupervisedServer extends RunningServer {
  /** Stop accepting but leave idle keep-alive connections to the peer (see `SluiceServer.retire`). */
  retire(): Promise<void>;
}

/**
 * `serve()` with a hook for the worker supervisor: `onRequestLimit` replaces the
 * self-shutdown at `limitMaxRequests` (internal).
 */
export async function startServer(app: App, options: ServeOptions, onRequestLimit: (() => void) | null): Promise<SupervisedServer> {
  const resolved = resolveOptions(options);
  const logger: Logger = options.logger ?? consoleLogger();
  const instance = new SluiceServer(app, resolved, logger);
  instance.onRequestLimit = onRequestLimit;
  await instance.start();
  const address = instance.address();
  return {
    url: instance.url(),
    host: address?.address ?? resolved.uds ?? resolved.host,
    port: address?.port ?? 0,
    server: instance.httpServer,
    closed: instance.closed,
    close: () => instance.close(),
    retire: () => instance.retire(),
  };
}
