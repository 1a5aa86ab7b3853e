import type { Headers, HTTPRequestEvent } from "@sluice/core";

/**
 * A request body: text (sent as UTF-8), bytes, an async iterable of byte chunks (a streaming
 * upload, pulled one chunk per `receive()`), or any other value, sent as JSON.
 *
 * @example
 * ```ts
 * const body: RequestBody = { name: "pen" }; // sent as JSON
 * ```
 */
export type RequestBody = string | Uint8Array | AsyncIterable<Uint8Array> | JsonValue;

/**
 * A value `JSON.stringify` turns into JSON.
 *
 * @example
 * ```ts
 * const value: JsonValue = { ids: [1, 2], ok: true };
 * ```
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue | undefined } | object;

/** The request body as the client feeds it to the app. */
export interface PreparedBody {
  /** Headers the body implies (content-length / transfer-encoding, content-type). */
  headers: Headers;
  /** The next `http.request` event, pulled on demand; `undefined` once the last one was given. */
  next(): Promise<HTTPRequestEvent | undefined>;
}

const encoder = new TextEncoder();

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

function fixedBody(bytes: Uint8Array, contentType: string | undefined): PreparedBody {
  const headers: Headers = [["content-length", String(bytes.byteLength)]];
  if (contentType) headers.push(["content-type", contentType]);
  let given = false;
  return {
    headers,
    next() {
      if (given) return Promise.resolve(undefined);
      given = true;
      return Promise.resolve({ type: "http.request", body: bytes, more_body: false });
    },
  };
}

function streamedBody(source: AsyncIterable<Uint8Array>): PreparedBody {
  const iterator = source[Symbol.asyncIterator]();
  let done = false;
  return {
    headers: [["transfer-encoding", "chunked"]],
    async next() {
      if (done) return undefined;
      const step = await iterator.next();
      if (step.done) {
        done = true;
        return { type: "http.request", body: new Uint8Array(0), more_body: false };
      }
      return { type: "http.request", body: step.value, more_body: true };
    },
  };
}

/** Turns the user's body into the events the app receives. `undefined` is an empty body. */
export function prepareBody(body: RequestBody | undefined): PreparedBody {
  if (body === undefined) return { ...fixedBody(new Uint8Array(0), undefined), headers: [] };
  if (body instanceof Uint8Array) return fixedBody(body, undefined);
  if (typeof body === "string") return fixedBody(encoder.encode(body), "text/plain; charset=utf-8");
  if (isAsyncIterable(body)) return streamedBody(body);
  return fixedBody(encoder.encode(JSON.stringify(body)), "application/json");
}
