import type { HTTPReceive, HTTPReceiveEvent, HTTPScope, HTTPSend, HTTPSendEvent } from "./http.js";
import type { LifespanReceive, LifespanReceiveEvent, LifespanScope, LifespanSend, LifespanSendEvent } from "./lifespan.js";
import type {
  WebSocketReceive,
  WebSocketReceiveEventAny,
  WebSocketScope,
  WebSocketSend,
  WebSocketSendEventAny,
} from "./websocket.js";

/**
 * Any connection scope; `switch (scope.type)` narrows it.
 *
 * @example
 * ```ts
 * switch (scope.type) { case "http": ...; case "websocket": ...; case "lifespan": ... }
 * ```
 */
export type Scope = HTTPScope | WebSocketScope | LifespanScope;

/**
 * Any event an app can receive; `switch (event.type)` narrows it.
 *
 * @example
 * ```ts
 * const event: ReceiveEvent = await receive();
 * if (event.type === "http.request") console.log(event.body.length);
 * ```
 */
export type ReceiveEvent = HTTPReceiveEvent | WebSocketReceiveEventAny | LifespanReceiveEvent;

/**
 * Any event an app can send.
 *
 * @example
 * ```ts
 * const event: SendEvent = { type: "http.response.start", status: 200 };
 * ```
 */
export type SendEvent = HTTPSendEvent | WebSocketSendEventAny | LifespanSendEvent;

/**
 * The generic `receive` callable: resolves with the next event for this connection.
 *
 * @example
 * ```ts
 * const event = await receive();
 * ```
 */
export type Receive = () => Promise<ReceiveEvent>;

/**
 * The generic `send` callable: resolves once the event is handed to the transport.
 *
 * @example
 * ```ts
 * await send({ type: "http.response.body", body: new Uint8Array() });
 * ```
 */
export type Send = (event: SendEvent) => Promise<void>;

/**
 * An async-interface application (ASGI 3.0 semantics): called once per connection.
 *
 * @example
 * ```ts
 * const app: App = async (scope, receive, send) => {
 *   if (scope.type !== "http") return;
 *   await send({ type: "http.response.start", status: 200, headers: [["content-type", "text/plain"]] });
 *   await send({ type: "http.response.body", body: new TextEncoder().encode("Hello, world!") });
 * };
 * ```
 */
export type App = (scope: Scope, receive: Receive, send: Send) => Promise<void>;

/**
 * An app that handles only HTTP connections, with the narrowed callables.
 *
 * @example
 * ```ts
 * const hello: HTTPApp = async (scope, receive, send) => {
 *   await send({ type: "http.response.start", status: 204 });
 *   await send({ type: "http.response.body" });
 * };
 * ```
 */
export type HTTPApp = (scope: HTTPScope, receive: HTTPReceive, send: HTTPSend) => Promise<void>;

/**
 * An app that handles only WebSocket connections, with the narrowed callables.
 *
 * @example
 * ```ts
 * const echo: WebSocketApp = async (scope, receive, send) => {
 *   await receive();
 *   await send({ type: "websocket.accept" });
 * };
 * ```
 */
export type WebSocketApp = (scope: WebSocketScope, receive: WebSocketReceive, send: WebSocketSend) => Promise<void>;

/**
 * An app that handles only the lifespan connection, with the narrowed callables.
 *
 * @example
 * ```ts
 * const lifespan: LifespanApp = async (scope, receive, send) => {
 *   await receive();
 *   await send({ type: "lifespan.startup.complete" });
 * };
 * ```
 */
export type LifespanApp = (scope: LifespanScope, receive: LifespanReceive, send: LifespanSend) => Promise<void>;

/**
 * A middleware wraps an app and returns a new app.
 *
 * @example
 * ```ts
 * const poweredBy: Middleware = (app) => async (scope, receive, send) =>
 *   app(scope, receive, async (event) => {
 *     if (event.type === "http.response.start") event = { ...event, headers: [...(event.headers ?? []), ["x-powered-by", "sluice"]] };
 *     await send(event);
 *   });
 * ```
 */
export type Middleware = (app: App) => App;
