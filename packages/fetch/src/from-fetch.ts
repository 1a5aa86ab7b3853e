import { ClientDisconnected, ProtocolError, UnsupportedProtocol, getHeader, type App, type HTTPReceive, type HTTPScope, type HTTPSend } from "@sluice/core";
import { fetchHeadersFromTuples } from "./internal/header-conversion.js";
import { createLazyRequest, requestFromHead } from "./internal/lazy-request.js";
import { requestBodyStream } from "./internal/request-body.js";
import { sendFetchResponse } from "./internal/send-response.js";

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
 * fromFetch(app.fetch, { lazyRequest: false });
 * ```
 */
export interface FromFetchOptions {
  /**
   * Give the handler a `Request` whose method, url, headers and signal are read straight from
   * the scope, building the full `Request` (with its body stream) only when the handler
   * touches anything else. Default `true`.
   */
  lazyRequest?: boolean;
}

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

/** Waits for `http.disconnect` after the body is consumed and aborts the request signal then. */
function watchDisconnect(receive: HTTPReceive, controller: AbortController, isDone: () => boolean): void {
  void (async () => {
    for (;;) {
      const event = await receive();
      if (event.type === "http.disconnect") {
        if (!isDone()) controller.abort(new ClientDisconnected("the client disconnected"));
        return;
      }
    }
  })().catch(() => undefined);
}

async function serveFetch(handler: FetchHandler, options: FromFetchOptions, scope: HTTPScope, receive: HTTPReceive, send: HTTPSend): Promise<void> {
  const controller = new AbortController();
  let done = false;
  const isDone = (): boolean => done;
  const withBody = hasRequestBody(scope);
  const body = (): ReadableStream<Uint8Array> | null =>
    withBody
      ? requestBodyStream(
          receive,
          () => watchDisconnect(receive, controller, isDone),
          () => controller.abort(new ClientDisconnected("the client disconnected")),
        )
      : null;
  if (!withBody) watchDisconnect(receive, controller, isDone);
  const head = {
    method: scope.method,
    url: requestUrl(scope),
    headers: () => fetchHeadersFromTuples(scope.headers),
    signal: controller.signal,
    body,
  };
  const request = options.lazyRequest === false ? requestFromHead(head, head.headers()) : createLazyRequest(head);
  try {
    const response = await handler(request);
    if (!(response instanceof Response)) {
      throw new ProtocolError("fetch-response", "the fetch handler must return a Response", response);
    }
    // The response is done once its last body message is handed over: the server may deliver
    // http.disconnect right after it, and that is not the client going away.
    const sendTracked: HTTPSend = (event) => {
      if (event.type === "http.response.body" && event.more_body !== true) done = true;
      return send(event);
    };
    await sendFetchResponse(response, sendTracked, scope.method === "HEAD");
  } finally {
    done = true;
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
 * reads more than method/url/headers/signal.
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
  return async (scope, receive, send) => {
    if (scope.type === "http") {
      await serveFetch(handler, options, scope, receive as HTTPReceive, send);
      return;
    }
    if (scope.type === "websocket") {
      await receive();
      await send({ type: "websocket.close", code: 1008, reason: "this endpoint does not speak WebSocket" });
      return;
    }
    throw new UnsupportedProtocol(scope.type);
  };
}
