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
