import { ASGI_SPEC_VERSION, ASGI_VERSION, decodePath, isByteString, utf8ToLatin1 } from "@sluice/core";
import type { Address, Headers, HTTPScope, ScopeExtensions, State, WebSocketScope } from "@sluice/core";

/**
 * Header input accepted by the test client: a record (arrays repeat a header) or tuples.
 *
 * @example
 * ```ts
 * const headers: HeaderInput = { accept: "text/html", "set-cookie": ["a=1", "b=2"] };
 * ```
 */
export type HeaderInput = Record<string, string | readonly string[]> | ReadonlyArray<readonly [string, string]>;

/**
 * Query input: a record (arrays repeat a key), tuples, or `URLSearchParams`.
 *
 * @example
 * ```ts
 * const query: QueryInput = { tag: ["a", "b"], page: 2 };
 * ```
 */
export type QueryInput =
  | Record<string, string | number | boolean | ReadonlyArray<string | number | boolean>>
  | ReadonlyArray<readonly [string, string]>
  | URLSearchParams;

/** Everything a scope is built from. */
export interface ScopeInput {
  base: URL;
  rootPath: string;
  client: Address | null;
  path: string;
  query: QueryInput | undefined;
  headers: Headers;
  state: State | undefined;
  extensions: ScopeExtensions;
}

/** Lowercases names and turns non-latin-1 values into the latin-1 form of their UTF-8 bytes. */
export function normaliseHeaders(input: HeaderInput | undefined): Headers {
  if (!input) return [];
  const pairs: Array<readonly [string, string]> = [];
  if (Array.isArray(input)) pairs.push(...(input as ReadonlyArray<readonly [string, string]>));
  else {
    for (const [name, value] of Object.entries(input as Record<string, string | readonly string[]>)) {
      if (typeof value === "string") pairs.push([name, value]);
      else for (const item of value) pairs.push([name, item]);
    }
  }
  return pairs.map(([name, value]) => [name.toLowerCase(), isByteString(value) ? value : utf8ToLatin1(value)]);
}

/** Later lists replace every header of the same name from earlier lists; order is otherwise kept. */
export function mergeHeaders(...lists: Headers[]): Headers {
  let merged: Headers = [];
  for (const list of lists) {
    const names = new Set(list.map(([name]) => name));
    merged = merged.filter(([name]) => !names.has(name)).concat(list);
  }
  return merged;
}

function percentEncodeNonAscii(text: string): string {
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code > 0x20 && code < 0x7f) out += char;
    else for (const byte of new TextEncoder().encode(char)) out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

function queryToString(query: QueryInput): string {
  if (query instanceof URLSearchParams) return query.toString();
  const params = new URLSearchParams();
  if (Array.isArray(query)) {
    for (const [key, value] of query as ReadonlyArray<readonly [string, string]>) params.append(key, value);
  } else {
    for (const [key, value] of Object.entries(query as Record<string, unknown>)) {
      const values = Array.isArray(value) ? (value as unknown[]) : [value];
      for (const item of values) params.append(key, String(item));
    }
  }
  return params.toString();
}

function splitTarget(input: ScopeInput): { path: string; raw_path: string; query_string: string } {
  const target = percentEncodeNonAscii(input.path.startsWith("/") ? input.path : `/${input.path}`);
  const question = target.indexOf("?");
  const rawPath = input.rootPath + (question === -1 ? target : target.slice(0, question));
  let query = question === -1 ? "" : target.slice(question + 1);
  if (input.query) {
    const extra = queryToString(input.query);
    if (extra) query = query ? `${query}&${extra}` : extra;
  }
  return { path: decodePath(rawPath), raw_path: rawPath, query_string: query };
}

function serverAddress(base: URL): Address {
  const defaultPort = base.protocol === "https:" || base.protocol === "wss:" ? 443 : 80;
  return [base.hostname, base.port ? Number(base.port) : defaultPort];
}

const asgi = (): HTTPScope["asgi"] => ({ version: ASGI_VERSION, spec_version: ASGI_SPEC_VERSION });

/** Builds the scope of one HTTP request. */
export function buildHTTPScope(method: string, input: ScopeInput): HTTPScope {
  const scope: HTTPScope = {
    type: "http",
    asgi: asgi(),
    http_version: "1.1",
    method: method.toUpperCase(),
    scheme: input.base.protocol === "https:" ? "https" : "http",
    ...splitTarget(input),
    root_path: input.rootPath,
    headers: input.headers,
    client: input.client,
    server: serverAddress(input.base),
    extensions: input.extensions,
  };
  if (input.state) scope.state = { ...input.state };
  return scope;
}

/** Builds the scope of one WebSocket connection. */
export function buildWebSocketScope(subprotocols: string[], input: ScopeInput): WebSocketScope {
  const scope: WebSocketScope = {
    type: "websocket",
    asgi: asgi(),
    http_version: "1.1",
    scheme: input.base.protocol === "https:" ? "wss" : "ws",
    ...splitTarget(input),
    root_path: input.rootPath,
    headers: input.headers,
    client: input.client,
    server: serverAddress(input.base),
    subprotocols,
    extensions: input.extensions,
  };
  if (input.state) scope.state = { ...input.state };
  return scope;
}
