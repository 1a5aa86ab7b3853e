import type { Headers } from "@sluice/core";

/**
 * What a handler returns: status, headers and a complete body. The router sends it.
 *
 * @example
 * ```ts
 * return { status: 200, headers: [["content-type", "text/plain"]], body: new TextEncoder().encode("ok") };
 * ```
 */
export interface Reply {
  status: number;
  headers: Headers;
  body: Uint8Array;
}

const encoder = new TextEncoder();

/**
 * A JSON reply (`application/json`).
 *
 * @example
 * ```ts
 * return json({ id: 1, title: "write docs" }, 201);
 * ```
 */
export function json(data: unknown, status = 200, headers: Headers = []): Reply {
  return { status, headers: [["content-type", "application/json"], ...headers], body: encoder.encode(JSON.stringify(data)) };
}

/**
 * A plain-text reply (`text/plain; charset=utf-8`).
 *
 * @example
 * ```ts
 * return text("pong");
 * ```
 */
export function text(body: string, status = 200, headers: Headers = []): Reply {
  return { status, headers: [["content-type", "text/plain; charset=utf-8"], ...headers], body: encoder.encode(body) };
}

/**
 * A reply without a body (204 by default).
 *
 * @example
 * ```ts
 * return empty();
 * ```
 */
export function empty(status = 204, headers: Headers = []): Reply {
  return { status, headers, body: new Uint8Array(0) };
}
