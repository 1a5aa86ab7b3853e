import { getHeader, getHeaderValues } from "@sluice/core";
import type { Headers } from "@sluice/core";

/**
 * The parts a finished response is made of.
 *
 * @example
 * ```ts
 * new TestResponse({ status: 204, headers: [], body: new Uint8Array(), trailers: [], earlyHints: [] });
 * ```
 */
export interface TestResponseInit {
  /** The status code from `http.response.start`. */
  status: number;
  /** The response headers, as the app sent them. */
  headers: Headers;
  /** The whole response body. */
  body: Uint8Array;
  /** Headers from `http.response.trailers` events; empty when the app sent none. */
  trailers: Headers;
  /** The `links` of each `http.response.early_hint` event, in order; empty when the app sent none. */
  earlyHints: string[][];
}

/**
 * A complete response the app sent to `TestClient.request()` (and its `get`, `post` …
 * shortcuts), with the body fully read.
 *
 * @example
 * ```ts
 * const response = await client.get("/users/1");
 * expect(response.status).toBe(200);
 * expect(response.header("content-type")).toBe("application/json");
 * expect(response.json()).toEqual({ id: 1 });
 * ```
 */
export class TestResponse {
  /** The status code from `http.response.start`. */
  readonly status: number;
  /** Response headers exactly as the app sent them (byte-string tuples, order and duplicates kept). */
  readonly headers: Headers;
  /** The whole body. */
  readonly body: Uint8Array;
  /** Trailers sent with `http.response.trailers` (`[]` when none). */
  readonly trailers: Headers;
  /** The `links` of every `http.response.early_hint` the app sent, in order. */
  readonly earlyHints: string[][];

  constructor(init: TestResponseInit) {
    this.status = init.status;
    this.headers = init.headers;
    this.body = init.body;
    this.trailers = init.trailers;
    this.earlyHints = init.earlyHints;
  }

  /** `true` for a 2xx status. */
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  /** The first value of header `name` (case-insensitive), or `undefined`. */
  header(name: string): string | undefined {
    return getHeader(this.headers, name);
  }

  /** Every value of header `name` (case-insensitive), in order. */
  headerValues(name: string): string[] {
    return getHeaderValues(this.headers, name);
  }

  /** The body decoded as UTF-8. */
  text(): string {
    return new TextDecoder().decode(this.body);
  }

  /** The body parsed as JSON (throws `SyntaxError` when it is not JSON). */
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- lets tests name the expected shape
  json<T = unknown>(): T {
    return JSON.parse(this.text()) as T;
  }
}
