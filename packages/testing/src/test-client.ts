import type { Address, App, Headers, HTTPReceiveEvent, ScopeExtensions, SendEvent, State, SyncApp, WebSocketReceiveEventAny } from "@sluice/core";
import { splitHeaderList } from "@sluice/core";
import { UnexpectedEventError, WebSocketDenied } from "./errors.js";
import { AppConnection } from "./internal/app-connection.js";
import { AsyncQueue } from "./internal/async-queue.js";
import {
  buildHTTPScope,
  buildWebSocketScope,
  mergeHeaders,
  normaliseHeaders,
  type HeaderInput,
  type QueryInput,
  type ScopeInput,
} from "./internal/build-scope.js";
import { deferred } from "./internal/deferred.js";
import { prepareApp, type AppInterface } from "./internal/prepare-app.js";
import { prepareBody, type RequestBody } from "./internal/request-body.js";
import { ResponseReader } from "./internal/response-reader.js";
import { LifespanSession } from "./lifespan-session.js";
import { TestResponse } from "./response.js";
import { StreamingResponse } from "./streaming-response.js";
import { WebSocketSession, type CloseState } from "./websocket-session.js";

/**
 * Options of a `TestClient`.
 *
 * @example
 * ```ts
 * new TestClient(app, { baseUrl: "https://api.test", timeoutMs: 1000, headers: { authorization: "Bearer t" } });
 * ```
 */
export interface TestClientOptions {
  /** Where requests appear to go: sets `scheme`, `server` and the `host` header. Default `"http://testserver"`. */
  baseUrl?: string;
  /** The app's mount point (`scope.root_path`), prefixed to every path. Default `""`. */
  rootPath?: string;
  /** Headers added to every request (per-request headers of the same name replace them). Default: none. */
  headers?: HeaderInput;
  /** `scope.client`. Default `["127.0.0.1", 50000]`. */
  client?: Address | null;
  /** How long to wait for each event from the app, in ms. Default `5000`. */
  timeoutMs?: number;
  /** Wrap the app in `validateApp` from `@sluice/core` so protocol violations fail loudly. Default `true`. */
  validate?: boolean;
  /** Whether the app is async, sync (run in-process through `@sluice/bridge`'s `inlineSyncApp`), or detected with the bridge's `isSyncApp`. Default `"auto"`. */
  interface?: AppInterface;
  /** Rethrow errors the app throws (for sync apps: after the bridge's 500 response); when `false`, an error before `http.response.start` becomes a 500 response. Default `true`. */
  raiseAppExceptions?: boolean;
  /** `scope.extensions`. Default: `http.response.early_hint`, `http.response.pathsend`, `websocket.http.response`, and `http.response.trailers` for requests sent with `TE: trailers` (as a server does). */
  extensions?: ScopeExtensions;
}

/**
 * Options of one HTTP request.
 *
 * @example
 * ```ts
 * await client.post("/search", { body: { q: "pen" }, query: { page: 2 }, timeoutMs: 500 });
 * ```
 */
export interface RequestOptions {
  /** Request headers (names are lowercased). Default: none beyond the client's. */
  headers?: HeaderInput;
  /** The body: text, bytes, an async iterable of chunks (streaming upload) or a JSON value. Default: none. */
  body?: RequestBody;
  /** Query parameters appended to any query already in the path. Default: none. */
  query?: QueryInput;
  /** How long to wait for each event from the app, in ms. Default: the client's `timeoutMs`. */
  timeoutMs?: number;
  /** Aborting disconnects the app and rejects with `RequestAborted`. Default: none (never aborted). */
  signal?: AbortSignal;
}

/**
 * Options of `TestClient.websocket()`.
 *
 * @example
 * ```ts
 * await client.websocket("/ws", { subprotocols: ["v1"], headers: { cookie: "s=1" } });
 * ```
 */
export interface WebSocketOptions {
  /** Subprotocols to offer (`scope.subprotocols`). Default `[]`. */
  subprotocols?: string[];
  /** Handshake headers. Default: none beyond the client's and the WebSocket ones. */
  headers?: HeaderInput;
  /** Query parameters. Default: none. */
  query?: QueryInput;
  /** How long to wait for each event from the app, in ms. Default: the client's `timeoutMs`. */
  timeoutMs?: number;
}

const DEFAULT_EXTENSIONS: ScopeExtensions = {
  "http.response.trailers": {},
  "http.response.early_hint": {},
  "http.response.pathsend": {},
  "websocket.http.response": {},
};

/**
 * Calls an app in-process, without sockets, as a server would: HTTP requests (buffered or
 * streamed both ways), WebSocket sessions and the lifespan protocol. Every app is wrapped in
 * `validateApp` by default. Each wait for the app has a timeout that throws
 * `TestTimeoutError`; the app is never cancelled silently (use the error's `abort()`).
 *
 * @example
 * ```ts
 * const client = new TestClient(app);
 * const response = await client.post("/items", { body: { name: "pen" } });
 * expect(response.status).toBe(201);
 * expect(response.json()).toEqual({ id: 1, name: "pen" });
 * ```
 */
export class TestClient {
  readonly #appSource: App | SyncApp;
  readonly #options: TestClientOptions;
  readonly #base: URL;
  readonly #timeoutMs: number;
  #prepared: Promise<App> | undefined;
  #state: State | undefined;

  /**
   * @param app an async app, or a sync app (run through `@sluice/bridge`'s inline mode)
   * @param options see `TestClientOptions`
   */
  constructor(app: App | SyncApp, options: TestClientOptions = {}) {
    this.#appSource = app;
    this.#options = options;
    this.#base = new URL(options.baseUrl ?? "http://testserver");
    this.#timeoutMs = options.timeoutMs ?? 5000;
  }

  /** The lifespan state requests currently get a copy of (`undefined` outside `startup()`…`shutdown()`). */
  get state(): State | undefined {
    return this.#state;
  }

  #app(): Promise<App> {
    this.#prepared ??= Promise.resolve().then(() =>
      prepareApp(this.#appSource, this.#options.interface ?? "auto", this.#options.validate ?? true, this.#options.raiseAppExceptions ?? true),
    );
    return this.#prepared;
  }

  #scopeInput(path: string, query: QueryInput | undefined, headers: Headers): ScopeInput {
    return {
      base: this.#base,
      rootPath: this.#options.rootPath ?? "",
      client: this.#options.client === undefined ? ["127.0.0.1", 50000] : this.#options.client,
      path,
      query,
      headers,
      state: this.#state,
      extensions: this.#options.extensions ?? DEFAULT_EXTENSIONS,
    };
  }

  #baseHeaders(): Headers {
    return mergeHeaders([["host", this.#base.host], ["user-agent", "sluice-testclient"]], normaliseHeaders(this.#options.headers));
  }

  /**
   * Sends a request and waits for the response to start; the body is then read chunk by
   * chunk from the returned `StreamingResponse`.
   *
   * @example
   * ```ts
   * const response = await client.stream("GET", "/download");
   * for await (const chunk of response) size += chunk.byteLength;
   * ```
   */
  async stream(method: string, path: string, options: RequestOptions = {}): Promise<StreamingResponse> {
    const app = await this.#app();
    const body = prepareBody(options.body);
    const headers = mergeHeaders(this.#baseHeaders(), body.headers, normaliseHeaders(options.headers));
    const scope = buildHTTPScope(method, this.#scopeInput(path, options.query, headers));
    if (!this.#options.extensions && !wantsTrailers(headers)) scope.extensions = withoutTrailers(DEFAULT_EXTENSIONS);
    const responseEnded = deferred<undefined>();
    let bodyDone = false;
    let trailers = false;
    const receive = async (): Promise<HTTPReceiveEvent> => {
      if (!bodyDone) {
        const event = await body.next();
        if (event && event.more_body) return event;
        bodyDone = true;
        if (event) return event;
      }
      await responseEnded.promise;
      return { type: "http.disconnect" };
    };
    const connection = new AppConnection(app, scope, {
      receive,
      disconnectEvent: () => ({ type: "http.disconnect" }),
      highWaterMark: 1,
      onSend: (event) => {
        if (event.type === "http.response.start") trailers = event.trailers === true;
        if (endsResponse(event, trailers)) responseEnded.resolve();
      },
    });
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const reader = new ResponseReader(connection, timeoutMs, `${scope.method} ${scope.path}`, options.signal);
    const head = await reader.readHead();
    return new StreamingResponse(head, reader, connection, timeoutMs);
  }

  /**
   * Sends a request and reads the whole response, then waits for the app to return
   * (rethrowing its error). A HEAD response's body is dropped, as a server would.
   *
   * @example
   * ```ts
   * const response = await client.request("PATCH", "/items/1", { body: { done: true }, query: { v: 2 } });
   * ```
   */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<TestResponse> {
    let streaming: StreamingResponse;
    try {
      streaming = await this.stream(method, path, options);
    } catch (error) {
      if (this.#options.raiseAppExceptions === false && isAppError(error)) return internalServerError();
      throw error;
    }
    const body = await streaming.bytes();
    await streaming.close();
    return new TestResponse({
      status: streaming.status,
      headers: streaming.headers,
      body: method.toUpperCase() === "HEAD" ? new Uint8Array(0) : body,
      trailers: streaming.trailers,
      earlyHints: streaming.earlyHints,
    });
  }

  /** `request("GET", path, options)`. */
  get(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request("GET", path, options);
  }

  /** `request("HEAD", path, options)`. */
  head(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request("HEAD", path, options);
  }

  /** `request("OPTIONS", path, options)`. */
  options(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request("OPTIONS", path, options);
  }

  /** `request("POST", path, options)`. */
  post(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request("POST", path, options);
  }

  /** `request("PUT", path, options)`. */
  put(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request("PUT", path, options);
  }

  /** `request("PATCH", path, options)`. */
  patch(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request("PATCH", path, options);
  }

  /** `request("DELETE", path, options)`. */
  delete(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request("DELETE", path, options);
  }

  /**
   * Opens a WebSocket to the app. Resolves when the app accepts; rejects with
   * `WebSocketDenied` (status 403, or the app's denial response) when it refuses.
   *
   * @example
   * ```ts
   * const ws = await client.websocket("/chat", { subprotocols: ["v1"] });
   * ws.sendJson({ say: "hi" });
   * expect(await ws.receiveJson()).toEqual({ said: "hi" });
   * ```
   */
  async websocket(path: string, options: WebSocketOptions = {}): Promise<WebSocketSession> {
    const app = await this.#app();
    const subprotocols = options.subprotocols ?? [];
    const handshake: Headers = [
      ["connection", "upgrade"],
      ["upgrade", "websocket"],
      ["sec-websocket-version", "13"],
      ["sec-websocket-key", Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64")],
    ];
    if (subprotocols.length > 0) handshake.push(["sec-websocket-protocol", subprotocols.join(", ")]);
    const headers = mergeHeaders(this.#baseHeaders(), handshake, normaliseHeaders(options.headers));
    const scope = buildWebSocketScope(subprotocols, this.#scopeInput(path, options.query, headers));
    const inputs = new AsyncQueue<WebSocketReceiveEventAny>();
    const closeState: CloseState = { current: undefined };
    const connection = new AppConnection(app, scope, {
      receive: () => inputs.shift(),
      disconnectEvent: () => ({ type: "websocket.disconnect", code: closeState.current?.code ?? 1006, reason: closeState.current?.reason ?? "" }),
      highWaterMark: Number.POSITIVE_INFINITY,
    });
    inputs.push({ type: "websocket.connect" });
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const first = await connection.next(timeoutMs, `websocket.accept (${scope.path})`);
    if (first.type === "websocket.accept") {
      return new WebSocketSession({ subprotocol: first.subprotocol ?? null, headers: first.headers ?? [] }, connection, inputs, timeoutMs, closeState);
    }
    const denial = await readDenial(first, connection, timeoutMs);
    closeState.current = { code: 1006, reason: "", byApp: false };
    connection.disconnect();
    await connection.wait(timeoutMs, "the app to return after denying the WebSocket");
    throw denial;
  }

  /**
   * Creates a handle on the app's lifespan: `startup()` then `shutdown()`. Between the two,
   * every request scope gets a shallow copy of the state the app filled in.
   *
   * @param options `timeoutMs`: how long to wait for each lifespan event, in ms. Default: the client's `timeoutMs`.
   *
   * @example
   * ```ts
   * const lifespan = client.lifespan();
   * await lifespan.startup();
   * try { await client.get("/"); } finally { await lifespan.shutdown(); }
   * ```
   */
  lifespan(options: { timeoutMs?: number } = {}): LifespanSession {
    return new LifespanSession(() => this.#app(), options.timeoutMs ?? this.#timeoutMs, (state) => {
      this.#state = state;
    });
  }

  /**
   * Runs `body` between lifespan startup and shutdown (shutdown runs even when `body` throws).
   *
   * @example
   * ```ts
   * await client.withLifespan(async (state) => {
   *   expect((await client.get("/health")).status).toBe(200);
   * });
   * ```
   */
  async withLifespan<T>(body: (state: State) => Promise<T>): Promise<T> {
    const lifespan = this.lifespan();
    const state = await lifespan.startup();
    try {
      return await body(state);
    } finally {
      await lifespan.shutdown();
    }
  }
}

function wantsTrailers(headers: Headers): boolean {
  return headers.some(([name, value]) => name === "te" && splitHeaderList(value).some((item) => item.toLowerCase() === "trailers"));
}

function withoutTrailers(extensions: ScopeExtensions): ScopeExtensions {
  return Object.fromEntries(Object.entries(extensions).filter(([name]) => name !== "http.response.trailers"));
}

function endsResponse(event: SendEvent, trailers: boolean): boolean {
  switch (event.type) {
    case "http.response.body":
      return event.more_body !== true && !trailers;
    case "http.response.pathsend":
      return true;
    case "http.response.trailers":
      return event.more_trailers !== true;
    default:
      return false;
  }
}

async function readDenial(first: SendEvent, connection: AppConnection, timeoutMs: number): Promise<WebSocketDenied> {
  if (first.type === "websocket.close") return new WebSocketDenied(403, [], new Uint8Array(0));
  if (first.type !== "websocket.http.response.start") throw new UnexpectedEventError("websocket.accept", first);
  const chunks: Uint8Array[] = [];
  for (;;) {
    const event = await connection.next(timeoutMs, "websocket.http.response.body");
    if (event.type !== "websocket.http.response.body") throw new UnexpectedEventError("websocket.http.response.body", event);
    chunks.push(event.body ?? new Uint8Array(0));
    if (event.more_body !== true) break;
  }
  return new WebSocketDenied(first.status, first.headers ?? [], Buffer.concat(chunks));
}

function isAppError(error: unknown): boolean {
  return !(error instanceof Error && "code" in error && typeof error.code === "string" && error.code.startsWith("ERR_TEST_"));
}

function internalServerError(): TestResponse {
  return new TestResponse({
    status: 500,
    headers: [["content-type", "text/plain; charset=utf-8"]],
    body: new TextEncoder().encode("Internal Server Error"),
    trailers: [],
    earlyHints: [],
  });
}
