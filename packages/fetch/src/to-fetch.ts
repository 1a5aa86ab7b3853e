import {
  ASGI_SPEC_VERSION,
  ClientDisconnected,
  ProtocolError,
  decodePath,
  type App,
  type HTTPScope,
  type ReceiveEvent,
  type SendEvent,
  type State,
  type Address,
} from "@sluice/core";
import { fetchHeadersFromTuples, tuplesFromFetchHeaders } from "./internal/header-conversion.js";
import { lifespanRunner } from "./internal/lifespan-runner.js";

/**
 * A Sluice app served as a fetch handler, with an explicit lifespan.
 *
 * @example
 * ```ts
 * const handler = toFetch(app);
 * await handler.startup();
 * Deno.serve(handler);
 * ```
 */
export interface FetchApp {
  /** Runs the app for one request. Resolves as soon as the app sends `http.response.start` (the body then streams as the app sends it), with a 500 if the app throws before that; rejects with a `ProtocolError` if the app returns without starting a response. */
  (request: Request, info?: FetchRequestInfo): Promise<Response>;
  /** Runs the app's lifespan startup; resolves when it completes (rejects with `LifespanFailed` on failure). Apps without lifespan support resolve at once. */
  startup(): Promise<void>;
  /** Runs the lifespan shutdown. */
  shutdown(): Promise<void>;
  /** The lifespan state filled in at startup (shallow-copied into every request scope). */
  readonly state: State;
}

/**
 * Per-request facts a runtime may know beyond the `Request` (Deno and Bun pass the peer address).
 *
 * @example
 * ```ts
 * handler(request, { client: ["203.0.113.9", 51000] });
 * ```
 */
export interface FetchRequestInfo {
  /** The remote peer. Default `null`. */
  client?: Address | null;
}

/**
 * Options of `toFetch`.
 *
 * @example
 * ```ts
 * toFetch(app, { rootPath: "/api" });
 * ```
 */
export interface ToFetchOptions {
  /** The mount point reported as `root_path` (must prefix request paths). Default `""`. */
  rootPath?: string;
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** The scope `path` of a URL's (percent-encoded, ASCII) pathname; left encoded when it does not decode as UTF-8. */
function decodedPath(pathname: string): string {
  try {
    return decodePath(pathname);
  } catch {
    return pathname;
  }
}

function buildScope(request: Request, info: FetchRequestInfo | undefined, options: ToFetchOptions, state: State): HTTPScope {
  const url = new URL(request.url);
  const raw_path = url.pathname;
  const path = decodedPath(raw_path);
  const port = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port);
  const headers = tuplesFromFetchHeaders(request.headers);
  if (!request.headers.has("host")) headers.unshift(["host", url.host]);
  // A body of unknown length reaches an HTTP/1.1 server chunked; say so, as such a server would.
  if (request.body !== null && !request.headers.has("content-length")) headers.push(["transfer-encoding", "chunked"]);
  return {
    type: "http",
    asgi: { version: "3.0", spec_version: ASGI_SPEC_VERSION },
    http_version: "1.1",
    method: request.method,
    scheme: url.protocol.slice(0, -1),
    path: (options.rootPath ?? "") + path,
    raw_path: (options.rootPath ?? "") + raw_path,
    query_string: url.search.slice(1),
    root_path: options.rootPath ?? "",
    headers,
    client: info?.client ?? null,
    server: [url.hostname, port],
    state: { ...state },
    extensions: {},
  };
}

/** Runs one HTTP request through the app and resolves with the Response once it starts. */
function handleRequest(app: App, scope: HTTPScope, request: Request): Promise<Response> {
  return new Promise<Response>((resolveResponse, rejectResponse) => {
    const reader = (request.body as ReadableStream<Uint8Array> | null)?.getReader();
    let bodyDone = false;
    let responseDone = false;
    let wakeDisconnect: (() => void) | undefined;
    /** The response head, and whether it may carry no body (HEAD, 1xx/204/205/304). */
    let started: { status: number; headers: Headers; bodyless: boolean } | undefined;
    let streamController: ReadableStreamDefaultController<Uint8Array> | undefined;
    let pullWaiter: (() => void) | undefined;
    /** Lets a `send()` waiting for the response stream to drain carry on. */
    const wakePull = (): void => {
      const waiter = pullWaiter;
      pullWaiter = undefined;
      waiter?.();
    };
    const disconnected = new Promise<void>((resolve) => {
      wakeDisconnect = resolve;
      request.signal.addEventListener(
        "abort",
        () => {
          resolve();
          wakePull();
        },
        { once: true },
      );
    });

    const receive = async (): Promise<ReceiveEvent> => {
      if (!bodyDone && reader !== undefined && !request.signal.aborted) {
        const { done, value } = await reader.read();
        if (done) {
          bodyDone = true;
          return { type: "http.request", body: new Uint8Array(0), more_body: false };
        }
        return { type: "http.request", body: value, more_body: true };
      }
      if (!bodyDone) {
        bodyDone = true;
        return { type: "http.request", body: new Uint8Array(0), more_body: false };
      }
      await disconnected;
      return { type: "http.disconnect" };
    };

    const stream = new ReadableStream<Uint8Array>(
      {
        start(controller) {
          streamController = controller;
        },
        pull: wakePull,
        cancel() {
          responseDone = true;
          wakeDisconnect?.();
          wakePull();
        },
      },
      { highWaterMark: 1 },
    );

    const send = async (event: SendEvent): Promise<void> => {
      if (event.type === "http.response.start") {
        if (started) throw new ProtocolError("response-start-once", "http.response.start was sent twice", event);
        started = {
          status: event.status,
          headers: fetchHeadersFromTuples(event.headers ?? []),
          bodyless: NULL_BODY_STATUSES.has(event.status) || scope.method === "HEAD",
        };
        return;
      }
      if (event.type !== "http.response.body") {
        throw new ProtocolError("fetch-unsupported-event", `toFetch does not support "${event.type}"`, event);
      }
      if (!started) throw new ProtocolError("body-before-start", "http.response.body was sent before http.response.start", event);
      if (request.signal.aborted) throw new ClientDisconnected("the request was aborted; the response body was not sent");
      if (responseDone) return;
      const more = event.more_body === true;
      const chunk = event.body ?? new Uint8Array(0);
      if (started.bodyless) {
        if (!more) finish();
        return;
      }
      if (chunk.byteLength > 0) {
        streamController?.enqueue(chunk);
        respond(stream);
      }
      if (!more) {
        finish();
        return;
      }
      if ((streamController?.desiredSize ?? 1) <= 0) {
        await new Promise<void>((resolve) => (pullWaiter = resolve));
      }
    };

    let responded = false;
    const respond = (body: ReadableStream<Uint8Array> | null): void => {
      if (responded || !started) return;
      responded = true;
      resolveResponse(new Response(body, { status: started.status, headers: started.headers }));
    };

    const finish = (): void => {
      if (!started) return;
      respond(started.bodyless ? null : stream);
      if (!responseDone) {
        responseDone = true;
        streamController?.close();
      }
      wakeDisconnect?.();
    };

    app(scope, receive, send).then(
      () => {
        if (!started) {
          rejectResponse(new ProtocolError("response-missing", "the app returned without sending http.response.start"));
        } else if (!responseDone) {
          finish();
        }
      },
      (error: unknown) => {
        if (!started) {
          responded = true;
          resolveResponse(new Response("Internal Server Error", { status: 500, headers: { "content-type": "text/plain; charset=utf-8" } }));
        } else if (!responseDone) {
          responseDone = true;
          respond(stream);
          streamController?.error(error);
        }
        wakeDisconnect?.();
      },
    );
  });
}

/**
 * Turns a Sluice app into a fetch handler, so Sluice apps and middleware run wherever
 * fetch handlers are served (Deno.serve, Bun.serve, Cloudflare Workers, or Node via undici).
 * The request body is pulled from `request.body` as the app calls `receive()`; the response
 * streams as the app sends, with backpressure; `http.disconnect` follows the end of the
 * response or `request.signal` aborting. Call `startup()` before serving and `shutdown()`
 * after, to run the app's lifespan. WebSocket is not supported.
 *
 * Options: `rootPath` (default `""`) is reported as `root_path` and prefixed to `path`.
 *
 * @example
 * ```ts
 * const handler = toFetch(compose(cors({ allowOrigins: ["https://a.example"] }))(app));
 * await handler.startup();
 * const response = await handler(new Request("http://localhost/hello"));
 * ```
 */
export function toFetch(app: App, options: ToFetchOptions = {}): FetchApp {
  const state: State = {};
  const lifespan = lifespanRunner(app, state);
  const handler = (request: Request, info?: FetchRequestInfo): Promise<Response> =>
    handleRequest(app, buildScope(request, info, options, state), request);
  return Object.assign(handler, { startup: lifespan.startup, shutdown: lifespan.shutdown, state });
}
