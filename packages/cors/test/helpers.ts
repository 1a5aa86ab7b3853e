import type { App, Headers, HTTPScope, SendEvent } from "@sluice/core";
import { bytesToLatin1 } from "@sluice/core";

/** An HTTP scope as a server would build it, with the given method and headers. */
export function httpScope(method: string, headers: Headers, path = "/api/items"): HTTPScope {
  return {
    type: "http",
    asgi: { version: "3.0", spec_version: "2.5" },
    http_version: "1.1",
    method,
    scheme: "http",
    path,
    raw_path: path,
    query_string: "",
    root_path: "",
    headers,
    client: ["127.0.0.1", 50000],
    server: ["127.0.0.1", 8000],
  };
}

/** What an inner app saw and what came out of the wrapped app. */
export interface Outcome {
  status: number;
  headers: Headers;
  body: string;
  /** How many times the inner app was called. */
  appCalls: number;
  events: SendEvent[];
}

/**
 * An inner app answering 200 "inner" with `responseHeaders`, counting its calls.
 */
export function innerApp(responseHeaders: Headers = [["content-type", "text/plain"]]): App & { calls: number } {
  const app = Object.assign(
    async (_scope: Parameters<App>[0], _receive: Parameters<App>[1], send: Parameters<App>[2]) => {
      app.calls += 1;
      await send({ type: "http.response.start", status: 200, headers: responseHeaders.map(([n, v]) => [n, v]) });
      await send({ type: "http.response.body", body: new TextEncoder().encode("inner"), more_body: false });
    },
    { calls: 0 },
  );
  return app;
}

/** Calls `app` once with an HTTP scope and collects the response. */
export async function call(
  wrap: (app: App) => App,
  method: string,
  headers: Headers,
  responseHeaders?: Headers,
): Promise<Outcome> {
  const inner = innerApp(responseHeaders);
  const app = wrap(inner);
  const events: SendEvent[] = [];
  await app(
    httpScope(method, headers),
    () => Promise.resolve({ type: "http.request", body: new Uint8Array(0), more_body: false }),
    (event) => {
      events.push(event);
      return Promise.resolve();
    },
  );
  const start = events.find((event) => event.type === "http.response.start");
  if (start === undefined) throw new Error("no http.response.start was sent");
  const body = events
    .filter((event) => event.type === "http.response.body")
    .map((event) => bytesToLatin1(event.body ?? new Uint8Array(0)))
    .join("");
  return { status: start.status, headers: start.headers ?? [], body, appCalls: inner.calls, events };
}

/** Every value of header `name` in `headers` (names compared case-insensitively). */
export function values(headers: Headers, name: string): string[] {
  return headers.filter(([key]) => key.toLowerCase() === name).map(([, value]) => value);
}

/** The single value of header `name`, or `undefined`; fails when it appears more than once. */
export function single(headers: Headers, name: string): string | undefined {
  const found = values(headers, name);
  if (found.length > 1) throw new Error(`header ${name} appears ${found.length} times`);
  return found[0];
}

/** Names of the `access-control-*` response headers present. */
export function corsHeaderNames(headers: Headers): string[] {
  return headers.map(([key]) => key.toLowerCase()).filter((key) => key.startsWith("access-control-"));
}
