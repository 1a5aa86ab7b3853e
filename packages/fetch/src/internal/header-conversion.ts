import type { Headers as HeaderTuples } from "@sluice/core";

/**
 * Converts a Fetch `Headers` object into scope/event header tuples (names lowercased).
 * `Set-Cookie` values stay separate, as HTTP requires.
 */
export function tuplesFromFetchHeaders(headers: globalThis.Headers): HeaderTuples {
  const tuples: HeaderTuples = [];
  for (const [name, value] of headers) {
    if (name !== "set-cookie") tuples.push([name, value]);
  }
  for (const cookie of headers.getSetCookie()) tuples.push(["set-cookie", cookie]);
  return tuples;
}

/** Converts header tuples into a Fetch `Headers` object, keeping duplicates as appends. */
export function fetchHeadersFromTuples(tuples: ReadonlyArray<readonly [string, string]>): globalThis.Headers {
  const headers = new Headers();
  for (const [name, value] of tuples) headers.append(name, value);
  return headers;
}

/**
 * The header tuples to send for a Fetch `Response`: as `tuplesFromFetchHeaders`, without
 * `Transfer-Encoding`. A `Response` body is plain bytes (a `fetch()` result is already
 * de-chunked), and the server frames what it sends itself, so passing the header on (as a
 * proxied response would) only makes the message claim a framing it does not have.
 */
export function responseHeaderTuples(headers: globalThis.Headers): HeaderTuples {
  const tuples: HeaderTuples = [];
  for (const [name, value] of headers) {
    if (name !== "set-cookie" && name !== "transfer-encoding") tuples.push([name, value]);
  }
  for (const cookie of headers.getSetCookie()) tuples.push(["set-cookie", cookie]);
  return tuples;
}
