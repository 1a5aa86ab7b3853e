// Test fixtures shared by the validator tests (not exported from the package).
import { expect } from "vitest";
import type { HTTPScope } from "../src/http.js";
import type { LifespanScope } from "../src/lifespan.js";
import type { WebSocketScope } from "../src/websocket.js";
import { ProtocolError } from "../src/errors.js";
import type { Environ, ErrorStream, InputStream, StartResponse, SyncResponse } from "../src/sync.js";

const asgi = { version: "3.0", spec_version: "2.5" } as const;

/** A valid http scope, with `extra` keys merged over it. */
export function httpScope(extra: Record<string, unknown> = {}): HTTPScope {
  return {
    type: "http",
    asgi,
    http_version: "1.1",
    method: "GET",
    scheme: "http",
    path: "/items",
    raw_path: "/items",
    query_string: "",
    root_path: "",
    headers: [["host", "example.test"]],
    client: ["127.0.0.1", 50000],
    server: ["127.0.0.1", 8000],
    state: {},
    extensions: {},
    ...extra,
  };
}

/** A valid websocket scope, with `extra` keys merged over it. */
export function websocketScope(extra: Record<string, unknown> = {}): WebSocketScope {
  return {
    type: "websocket",
    asgi,
    http_version: "1.1",
    scheme: "ws",
    path: "/chat",
    raw_path: "/chat",
    query_string: "",
    root_path: "",
    headers: [["host", "example.test"]],
    client: ["127.0.0.1", 50000],
    server: ["127.0.0.1", 8000],
    subprotocols: ["chat.v1"],
    state: {},
    extensions: {},
    ...extra,
  };
}

/** A valid lifespan scope. */
export function lifespanScope(): LifespanScope {
  return { type: "lifespan", asgi, state: {} };
}

/** Asserts `error` is the `ProtocolError` of `rule` and its message matches `message`. */
export function expectRule(error: unknown, rule: string, message: RegExp): void {
  expect(error).toBeInstanceOf(ProtocolError);
  const protocolError = error as ProtocolError;
  expect(protocolError.code).toBe("ERR_PROTOCOL");
  expect(protocolError.rule).toBe(rule);
  expect(protocolError.message).toMatch(message);
  expect(protocolError.message).toContain(`[rule: ${rule}]`);
}

/** Runs `work` and returns what it threw (or `undefined`). */
export function thrownBy(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** An in-memory `wsgi.input` over `body` (a fixture for the sync validator tests). */
export function memoryInput(body: Uint8Array): InputStream {
  let position = 0;
  const take = (count: number): Uint8Array => {
    const chunk = body.subarray(position, position + count);
    position += chunk.length;
    return chunk;
  };
  const readline = (size?: number): Uint8Array => {
    const newline = body.indexOf(0x0a, position);
    const end = newline === -1 ? body.length : newline + 1;
    return take(Math.min(end - position, size ?? Infinity));
  };
  return {
    read: (size?: number) => take(size === undefined || size < 0 ? body.length : size),
    readline,
    readlines: () => {
      const lines: Uint8Array[] = [];
      for (let line = readline(); line.length > 0; line = readline()) lines.push(line);
      return lines;
    },
    *[Symbol.iterator]() {
      for (let line = readline(); line.length > 0; line = readline()) yield line;
    },
  };
}

/** A `wsgi.errors` that collects what is written. */
export function memoryErrors(): ErrorStream & { text: string[] } {
  const text: string[] = [];
  return {
    text,
    write: (value) => void text.push(value),
    writelines: (lines) => void text.push(...lines),
    flush: () => undefined,
  };
}

/** A valid environ for `GET /items` with `body` as the request body, `extra` keys merged over it. */
export function syncEnviron(extra: Record<string, unknown> = {}, body: Uint8Array = new Uint8Array()): Environ {
  return {
    REQUEST_METHOD: "GET",
    SCRIPT_NAME: "",
    PATH_INFO: "/items",
    QUERY_STRING: "",
    SERVER_NAME: "127.0.0.1",
    SERVER_PORT: "8000",
    SERVER_PROTOCOL: "HTTP/1.1",
    HTTP_HOST: "example.test",
    "wsgi.version": [1, 0],
    "wsgi.url_scheme": "http",
    "wsgi.input": memoryInput(body),
    "wsgi.errors": memoryErrors(),
    "wsgi.multithread": false,
    "wsgi.multiprocess": false,
    "wsgi.run_once": false,
    "wsgi.input_terminated": true,
    ...extra,
  };
}

/** What a fake sync server saw of one response. */
export interface SyncExchange {
  status: string | undefined;
  headers: Array<[string, string]>;
  chunks: Uint8Array[];
  closed: number;
}

/**
 * A small, correct sync-interface server loop for tests: calls `app`, sends `write()` data and
 * the iterable's chunks, honours `excInfo` rules, and always calls `close()` once.
 */
export function runSync(app: (environ: Environ, startResponse: StartResponse) => SyncResponse, environ: Environ = syncEnviron()): SyncExchange {
  const exchange: SyncExchange = { status: undefined, headers: [], chunks: [], closed: 0 };
  let headersSent = false;
  const write = (data: Uint8Array): void => {
    if (data.length > 0) headersSent = true;
    exchange.chunks.push(data);
  };
  const startResponse: StartResponse = (status, headers, excInfo?) => {
    // PEP 3333: once headers are out, startResponse re-raises the caught value as it is.
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    if (excInfo !== undefined && headersSent) throw excInfo;
    exchange.status = status;
    exchange.headers = headers;
    return write;
  };
  const response = app(environ, startResponse);
  try {
    for (const chunk of response) write(chunk);
  } finally {
    exchange.closed++;
    response.close?.();
  }
  return exchange;
}
