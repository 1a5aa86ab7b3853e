import { ProtocolError, UnsupportedProtocol, getHeader, sendTextBody, type App, type Headers as HeaderTuples, type HTTPReceive, type HTTPScope, type HTTPSend, type Receive, type Scope, type Send } from "@sluice/core";
import { createLazyRequest, requestFromHead } from "./internal/lazy-request.js";
import { installLightResponse, plainResponseParts } from "./internal/light-response.js";
import { RequestExchange } from "./internal/request-exchange.js";
import { sendStreamedResponse } from "./internal/send-response.js";

/**
 * A Fetch API handler: `(request) => Response`, as Hono, itty-router, Remix/React Router,
 * Deno, Bun and Workers use. Extra arguments are not passed.
 *
 * @example
 * ```ts
 * const handler: FetchHandler = (request) => new Response(`you asked for ${new URL(request.url).pathname}`);
 * ```
 */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/**
 * Options of `fromFetch`.
 *
 * @example
 * ```ts
 * fromFetch(app.fetch, { lazyRequest: false, overrideGlobalResponse: false });
 * ```
 */
export interface FromFetchOptions {
  /**
   * Give the handler a `Request` whose method, url, headers and signal are read straight from
   * the scope, building the full `Request` (with its body stream) only when the handler
   * touches anything else; the signal's `AbortController`, and the watch for the client
   * leaving, are then created only when `request.signal` is first read. Default `true`.
   */
  lazyRequest?: boolean;
  /**
   * Replace `globalThis.Response` (once, for the whole process) with a lightweight class: `new Response(body, init)` with a string, `Uint8Array`, `ArrayBuffer` or
   * no body only records its arguments, and `fromFetch` writes such a response without ever
   * building a body stream. Every other use (`body`, `text()`, `json()`, `clone()`, headers,
   * `Response.json()`, …) behaves as the platform class, which builds the real response on
   * first need; `instanceof Response` holds for both kinds. Default `true` (as
   * `@hono/node-server` does by default); set `false` to leave the global alone.
   */
  overrideGlobalResponse?: boolean;
}

const EMPTY_BODY = new Uint8Array(0);

function requestUrl(scope: HTTPScope): string {
  const host = getHeader(scope.headers, "host") ?? (scope.server ? `${scope.server[0]}:${String(scope.server[1])}` : "localhost");
  const path = scope.raw_path ?? encodeURI(scope.path);
  return `${scope.scheme}://${host}${path}${scope.query_string === "" ? "" : `?${scope.query_string}`}`;
}

function hasRequestBody(scope: HTTPScope): boolean {
  if (scope.method === "GET" || scope.method === "HEAD") return false;
  const length = getHeader(scope.headers, "content-length");
  if (length !== undefined) return length.trim() !== "0";
  return getHeader(scope.headers, "transfer-encoding") !== undefined;
}

function serveFetch(handler: FetchHandler, lazyRequest: boolean, scope: HTTPScope, receive: HTTPReceive, send: HTTPSend): Promise<void> {
  const exchange = new RequestExchange(scope.method, requestUrl(scope), scope, receive, hasRequestBody(scope));
  const request = lazyRequest ? createLazyRequest(exchange) : requestFromHead(exchange, exchange.headers());
  let result: Response | Promise<Response>;
  try {
    result = handler(request);
  } catch (error) {
    exchange.done = true;
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- pass on exactly what the handler threw
    return Promise.reject(error);
  }
  // A handler that answers synchronously (as Hono does for synchronous routes) costs no extra turn.
  if (result instanceof Promise) return respondWhenSettled(result, exchange, scope, send);
  return respond(result, exchange, scope, send);
}

async function respondWhenSettled(pending: Promise<Response>, exchange: RequestExchange, scope: HTTPScope, send: HTTPSend): Promise<void> {
  let response: Response;
  try {
    response = await pending;
  } catch (error) {
    exchange.done = true;
    throw error;
  }
  return respond(response, exchange, scope, send);
}

/**
 * Sends the handler's response. The common case (a light response whose body is still a string
 * or bytes) goes out as one start message then one body message, chained with `then` rather
 * than from an async function (measured with requests fed to the server through an in-memory
 * stream, no kernel time: 1.5% less CPU per request for a Hono hello world). A string body goes
 * through `sendTextBody`, so `@sluice/server` writes an ASCII body as the string without making
 * bytes (measured side by side over real sockets, Hono hello world: 13.75 instead of 14.49 µs
 * of server CPU per request).
 */
function respond(response: unknown, exchange: RequestExchange, scope: HTTPScope, send: HTTPSend): Promise<void> {
  const parts = plainResponseParts(response);
  if (parts === undefined) return respondStreamed(response, exchange, scope, send);
  const body = scope.method === "HEAD" ? null : parts.body;
  return send({ type: "http.response.start", status: parts.status, headers: parts.headers as HeaderTuples }).then(() => {
    // The response is done once its last body message is handed over: the server may deliver
    // http.disconnect right after it, and that is not the client going away.
    exchange.done = true;
    if (typeof body === "string") return sendTextBody(send, body);
    return send({ type: "http.response.body", body: body ?? EMPTY_BODY, more_body: false });
  });
}

async function respondStreamed(response: unknown, exchange: RequestExchange, scope: HTTPScope, send: HTTPSend): Promise<void> {
  try {
    if (!(response instanceof Response)) {
      throw new ProtocolError("fetch-response", "the fetch handler must return a Response", response);
    }
    await sendStreamedResponse(response, send, scope.method === "HEAD", exchange);
  } finally {
    exchange.done = true;
  }
}

/**
 * Turns a Fetch API handler into a Sluice app, so Hono, itty-router and other Web-standard
 * handlers run on `@sluice/server` (and behind Sluice middleware). The request body is a
 * stream pulled from `receive()`, never buffered; `request.signal` aborts when the client
 * disconnects; the response body streams to `send()` with backpressure; status and headers
 * map exactly, multiple `Set-Cookie` kept. WebSocket scopes are refused (403) and lifespan is
 * reported unsupported: fetch handlers have neither.
 *
 * Options: `lazyRequest` (default `true`) builds the full `Request` only when the handler
 * reads more than method/url/headers/signal; `overrideGlobalResponse` (default `true`)
 * installs a lightweight global `Response` whose string/bytes bodies are written without a
 * body stream (see `FromFetchOptions`).
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { serve } from "@sluice/server";
 * const hono = new Hono().get("/", (c) => c.text("Hello from Hono"));
 * await serve(fromFetch(hono.fetch), { port: 8000 });
 * ```
 */
export function fromFetch(handler: FetchHandler, options: FromFetchOptions = {}): App {
  if (options.overrideGlobalResponse !== false) installLightResponse();
  const lazyRequest = options.lazyRequest !== false;
  return (scope, receive, send) => {
    if (scope.type === "http") return serveFetch(handler, lazyRequest, scope, receive as HTTPReceive, send);
    return refuseNonHttp(scope, receive, send);
  };
}

/** WebSocket scopes get a close (the server answers 403); any other scope type is unsupported. */
async function refuseNonHttp(scope: Scope, receive: Receive, send: Send): Promise<void> {
  if (scope.type === "websocket") {
    await receive();
    await send({ type: "websocket.close", code: 1008, reason: "this endpoint does not speak WebSocket" });
    return;
  }
  throw new UnsupportedProtocol(scope.type);
}
