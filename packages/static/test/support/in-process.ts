import type { App, HTTPScope, HTTPSendEvent, Receive, SendEvent } from "@sluice/core";

/** What an app sent for one in-process request. */
export interface InProcessResult {
  events: HTTPSendEvent[];
  status: number | undefined;
  headers: Array<[string, string]>;
  body: Buffer;
}

/** Builds an HTTP scope for in-process calls. */
export function httpScope(overrides: Partial<HTTPScope> & { path: string }): HTTPScope {
  return {
    type: "http",
    asgi: { version: "3.0", spec_version: "2.5" },
    http_version: "1.1",
    method: "GET",
    scheme: "http",
    raw_path: null,
    query_string: "",
    root_path: "",
    headers: [],
    client: ["127.0.0.1", 50000],
    server: ["127.0.0.1", 8000],
    ...overrides,
  };
}

/** Calls `app` directly with a scope and collects every event it sends. */
export async function callApp(app: App, scope: HTTPScope): Promise<InProcessResult> {
  const events: HTTPSendEvent[] = [];
  const receive: Receive = () => Promise.resolve({ type: "http.request", body: new Uint8Array(0), more_body: false });
  await app(scope, receive, (event: SendEvent) => {
    events.push(event as HTTPSendEvent);
    return Promise.resolve();
  });
  const start = events.find((event) => event.type === "http.response.start");
  const chunks = events.flatMap((event) => (event.type === "http.response.body" && event.body !== undefined ? [Buffer.from(event.body)] : []));
  return {
    events,
    status: start?.status,
    headers: (start?.headers ?? []).map(([name, value]) => [name, value]),
    body: Buffer.concat(chunks),
  };
}

/** The innermost app of every test: answers 404 with a recognisable body. */
export const innerApp: App = async (scope, _receive, send) => {
  if (scope.type !== "http") return;
  const body = Buffer.from(`inner:${scope.method}:${scope.path}`);
  await send({ type: "http.response.start", status: 404, headers: [["content-type", "text/plain"], ["content-length", String(body.length)], ["x-inner", "1"]] });
  await send({ type: "http.response.body", body });
};

/**
 * Wraps an app so it sees a scope without the `http.response.pathsend` extension, forcing
 * the middleware to stream bodies itself even behind a server that supports pathsend.
 */
export function hidePathsend(app: App): App {
  return (scope, receive, send) => {
    if (scope.type !== "http" || scope.extensions?.["http.response.pathsend"] === undefined) return app(scope, receive, send);
    const { "http.response.pathsend": _hidden, ...extensions } = scope.extensions;
    return app({ ...scope, extensions }, receive, send);
  };
}

/** Wraps an app and records the type of every event it sends. */
export function recordEventTypes(app: App, types: string[]): App {
  return (scope, receive, send) =>
    app(scope, receive, (event) => {
      types.push(event.type);
      return send(event);
    });
}
