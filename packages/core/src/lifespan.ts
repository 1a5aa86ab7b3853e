import type { AsgiInfo, State } from "./common.js";

/**
 * The scope of the lifespan connection: one per server process, around startup and shutdown.
 *
 * @example
 * ```ts
 * if (scope.type === "lifespan") {
 *   const event = await receive(); // lifespan.startup
 *   scope.state!["db"] = await openDatabase();
 *   await send({ type: "lifespan.startup.complete" });
 * }
 * ```
 */
export interface LifespanScope {
  type: "lifespan";
  asgi: AsgiInfo;
  /** An empty object the app may fill at startup; every request scope gets a shallow copy. */
  state?: State;
}

/**
 * The server is starting; answer with `lifespan.startup.complete` or `.failed`.
 *
 * @example
 * ```ts
 * const event = await receive(); // { type: "lifespan.startup" }
 * ```
 */
export interface LifespanStartupEvent {
  type: "lifespan.startup";
}

/**
 * The server is stopping (all connections are closed); answer with `lifespan.shutdown.complete` or `.failed`.
 *
 * @example
 * ```ts
 * if ((await receive()).type === "lifespan.shutdown") await db.close();
 * ```
 */
export interface LifespanShutdownEvent {
  type: "lifespan.shutdown";
}

/**
 * Startup succeeded; the server starts listening.
 *
 * @example
 * ```ts
 * await send({ type: "lifespan.startup.complete" });
 * ```
 */
export interface LifespanStartupCompleteEvent {
  type: "lifespan.startup.complete";
}

/**
 * Startup failed; the server exits (with code 3 for `@sluice/server`) and prints the message.
 *
 * @example
 * ```ts
 * await send({ type: "lifespan.startup.failed", message: "database unreachable" });
 * ```
 */
export interface LifespanStartupFailedEvent {
  type: "lifespan.startup.failed";
  /** Why startup failed. Default `""`. */
  message?: string | undefined;
}

/**
 * Shutdown finished cleanly.
 *
 * @example
 * ```ts
 * await send({ type: "lifespan.shutdown.complete" });
 * ```
 */
export interface LifespanShutdownCompleteEvent {
  type: "lifespan.shutdown.complete";
}

/**
 * Shutdown failed; the server logs the message.
 *
 * @example
 * ```ts
 * await send({ type: "lifespan.shutdown.failed", message: "flush timed out" });
 * ```
 */
export interface LifespanShutdownFailedEvent {
  type: "lifespan.shutdown.failed";
  /** Why shutdown failed. Default `""`. */
  message?: string | undefined;
}

/**
 * Every event a lifespan app can receive.
 *
 * @example
 * ```ts
 * const event: LifespanReceiveEvent = await receive();
 * ```
 */
export type LifespanReceiveEvent = LifespanStartupEvent | LifespanShutdownEvent;

/**
 * Every event a lifespan app can send.
 *
 * @example
 * ```ts
 * const done: LifespanSendEvent = { type: "lifespan.shutdown.complete" };
 * ```
 */
export type LifespanSendEvent =
  | LifespanStartupCompleteEvent
  | LifespanStartupFailedEvent
  | LifespanShutdownCompleteEvent
  | LifespanShutdownFailedEvent;

/**
 * The `receive` callable of the lifespan connection.
 *
 * @example
 * ```ts
 * const event = await (receive as LifespanReceive)();
 * ```
 */
export type LifespanReceive = () => Promise<LifespanReceiveEvent>;

/**
 * The `send` callable of the lifespan connection.
 *
 * @example
 * ```ts
 * await (send as LifespanSend)({ type: "lifespan.startup.complete" });
 * ```
 */
export type LifespanSend = (event: LifespanSendEvent) => Promise<void>;
