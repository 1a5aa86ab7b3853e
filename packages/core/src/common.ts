/**
 * A header list: `[name, value]` pairs where both strings are latin-1 "byte strings"
 * (each char code is one byte). Request header names are lowercased by the server;
 * order and duplicates are kept.
 *
 * @example
 * ```ts
 * const headers: Headers = [["content-type", "text/plain"], ["set-cookie", "a=1"], ["set-cookie", "b=2"]];
 * ```
 */
export type Headers = Array<[name: string, value: string]>;

/**
 * A read-only view of a header list, accepted by helpers that do not modify it.
 *
 * @example
 * ```ts
 * function count(headers: ReadonlyHeaders): number { return headers.length; }
 * ```
 */
export type ReadonlyHeaders = ReadonlyArray<readonly [name: string, value: string]>;

/**
 * A network address: `[host, port]` for TCP, `[path, null]` for a unix socket.
 *
 * @example
 * ```ts
 * const client: Address = ["127.0.0.1", 51234];
 * ```
 */
export type Address = [host: string, port: number | null];

/**
 * The `asgi` key of every scope.
 *
 * @example
 * ```ts
 * const asgi: AsgiInfo = { version: "3.0", spec_version: "2.5" };
 * ```
 */
export interface AsgiInfo {
  /** Interface version, always `"3.0"`. */
  version: "3.0";
  /** Message-format version; `"2.5"` for servers following SPEC.md 1.0. Absent means `"2.0"`. */
  spec_version?: string;
}

/**
 * Per-connection application state: a shallow copy of the lifespan `state` the app filled in at startup.
 *
 * @example
 * ```ts
 * const db = scope.state?.["db"] as Database;
 * ```
 */
export type State = Record<string, unknown>;
