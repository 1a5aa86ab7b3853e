import type { Headers, ReadonlyHeaders } from "./common.js";

/**
 * The first value of header `name` (case-insensitive), or `undefined` when absent.
 *
 * @example
 * ```ts
 * getHeader(scope.headers, "Content-Type"); // "application/json"
 * ```
 */
export function getHeader(headers: ReadonlyHeaders, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of headers) {
    // Servers lowercase request header names, so the exact comparison usually decides.
    if (key.length === wanted.length && (key === wanted || key.toLowerCase() === wanted)) return value;
  }
  return undefined;
}

/**
 * Every value of header `name` (case-insensitive), in order.
 *
 * @example
 * ```ts
 * getHeaderValues(headers, "set-cookie"); // ["a=1", "b=2"]
 * ```
 */
export function getHeaderValues(headers: ReadonlyHeaders, name: string): string[] {
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const [key, value] of headers) {
    if (key.length === wanted.length && key.toLowerCase() === wanted) values.push(value);
  }
  return values;
}

/**
 * Whether header `name` is present (case-insensitive).
 *
 * @example
 * ```ts
 * hasHeader(headers, "etag"); // true
 * ```
 */
export function hasHeader(headers: ReadonlyHeaders, name: string): boolean {
  return getHeader(headers, name) !== undefined;
}

/**
 * A copy of `headers` without any header called `name` (case-insensitive).
 *
 * @example
 * ```ts
 * withoutHeader(headers, "content-length");
 * ```
 */
export function withoutHeader(headers: ReadonlyHeaders, name: string): Headers {
  const wanted = name.toLowerCase();
  const out: Headers = [];
  for (const [key, value] of headers) {
    if (key.toLowerCase() !== wanted) out.push([key, value]);
  }
  return out;
}

/**
 * A copy of `headers` where header `name` has the single value `value` (replacing any
 * existing values, keeping the position of the first).
 *
 * @example
 * ```ts
 * withHeader(headers, "etag", 'W/"abc"');
 * ```
 */
export function withHeader(headers: ReadonlyHeaders, name: string, value: string): Headers {
  const wanted = name.toLowerCase();
  const out: Headers = [];
  let placed = false;
  for (const [key, existing] of headers) {
    if (key.toLowerCase() !== wanted) {
      out.push([key, existing]);
    } else if (!placed) {
      out.push([key, value]);
      placed = true;
    }
  }
  if (!placed) out.push([wanted, value]);
  return out;
}

/**
 * Splits a comma-separated header value into trimmed, non-empty elements
 * (`"gzip, br;q=0.5"` → `["gzip", "br;q=0.5"]`).
 *
 * @example
 * ```ts
 * splitHeaderList("Origin,  Accept-Encoding"); // ["Origin", "Accept-Encoding"]
 * ```
 */
export function splitHeaderList(value: string): string[] {
  const out: string[] = [];
  for (const part of value.split(",")) {
    const trimmed = part.trim();
    if (trimmed !== "") out.push(trimmed);
  }
  return out;
}

/**
 * A copy of `headers` whose `Vary` header also lists `fieldNames`, merged case-insensitively
 * with what is there (a `Vary: *` stays `*`). Used by middleware whose answer depends on a
 * request header.
 *
 * @example
 * ```ts
 * withVary([["vary", "Accept-Encoding"]], "Origin"); // [["vary", "Accept-Encoding, Origin"]]
 * ```
 */
export function withVary(headers: ReadonlyHeaders, ...fieldNames: string[]): Headers {
  const existing = getHeaderValues(headers, "vary").flatMap(splitHeaderList);
  if (existing.includes("*")) return withHeader(headers, "vary", "*");
  const seen = new Set(existing.map((name) => name.toLowerCase()));
  const merged = [...existing];
  for (const name of fieldNames) {
    if (!seen.has(name.toLowerCase())) {
      seen.add(name.toLowerCase());
      merged.push(name);
    }
  }
  return withHeader(headers, "vary", merged.join(", "));
}
