// Test fixtures shared by the validator tests (not exported from the package).
import { expect } from "vitest";
import type { HTTPScope } from "../src/http.js";
import type { LifespanScope } from "../src/lifespan.js";
import type { WebSocketScope } from "../src/websocket.js";
import { ProtocolError } from "../src/errors.js";

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
  } as HTTPScope;
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
  } as WebSocketScope;
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
