import { getHeader, type App, type HTTPScope, type Middleware, type Receive, type Send, type SendEvent } from "@sluice/core";
import type { CorsOptions } from "./options.js";
import { withCorsHeaders, withVaryOrigin } from "./internal/actual-response.js";
import { resolvePolicy, type CorsPolicy } from "./internal/policy.js";
import { answerPreflight } from "./internal/preflight.js";
import { readPreflightRequest } from "./internal/request-headers.js";

/**
 * CORS (Cross-Origin Resource Sharing) middleware: lets pages on other origins call your app
 * from the browser, within the limits you set.
 *
 * - **Preflights** (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) are answered
 *   here, without calling the app: `200` with the allow headers, or `400` with a plain-text
 *   body naming the origin, method or headers that are not allowed. Any other `OPTIONS`
 *   request goes to the app.
 * - **Actual requests** from an allowed origin get `Access-Control-Allow-Origin` (the origin
 *   itself, or `*` when `allowOrigins` is `"*"`), `Access-Control-Allow-Credentials` and
 *   `Access-Control-Expose-Headers`. Disallowed origins get no CORS headers (the app still
 *   answers, the browser hides the answer from the page). `Vary: Origin` is merged into the
 *   app's `Vary` whenever the answer depends on the origin.
 * - Requests without `Origin`, and `websocket` and `lifespan` connections, pass through
 *   untouched. Browsers do not apply CORS to WebSockets: check `Origin` in your websocket app.
 *
 * Options are validated and every header value precomputed here; a contradictory or
 * malformed option throws {@link CorsConfigError} (`code: "ERR_CORS_CONFIG"`) immediately.
 *
 * @param options see {@link CorsOptions}: `allowOrigins` (default `[]`), `allowOriginRegex`,
 *   `allowOrigin`, `allowMethods` (default `["GET"]`), `allowHeaders` (default `[]`),
 *   `allowCredentials` (default `false`), `exposeHeaders` (default `[]`), `maxAge` (default `600`),
 *   `allowPrivateNetwork` (default `false`).
 * @returns a `Middleware` wrapping an app.
 * @throws {CorsConfigError} when the options contradict each other or are malformed, e.g.
 *   `allowOrigins: "*"` together with `allowCredentials: true`.
 *
 * @example
 * ```ts
 * import { cors } from "@sluice/cors";
 * import { serve } from "@sluice/server";
 *
 * const withCors = cors({
 *   allowOrigins: ["https://app.example.com"],
 *   allowMethods: ["GET", "POST"],
 *   allowHeaders: ["content-type", "authorization"],
 *   allowCredentials: true,
 * });
 * await serve(withCors(app), { port: 8000 });
 * ```
 */
export function cors(options: CorsOptions): Middleware {
  const policy = resolvePolicy(options);
  return (app: App): App => corsApp(policy, app);
}

function corsApp(policy: CorsPolicy, app: App): App {
  const { anyOrigin, actualHeaders } = policy;
  const varyOrigin = !anyOrigin;

  return async (scope, receive, send) => {
    if (scope.type !== "http") return app(scope, receive, send);

    if (scope.method === "OPTIONS") {
      const preflight = readPreflightRequest(scope.headers);
      if (preflight.origin === undefined) return app(scope, receive, send);
      if (preflight.requestMethod !== undefined) return answerPreflight(policy, scope, preflight, send);
      return serveActual(scope, receive, send, preflight.origin);
    }

    const origin = getHeader(scope.headers, "origin");
    if (origin === undefined) return app(scope, receive, send);
    return serveActual(scope, receive, send, origin);
  };

  function serveActual(scope: HTTPScope, receive: Receive, send: Send, origin: string): Promise<void> {
    if (anyOrigin) return app(scope, receive, decorating(send, "*"));
    if (policy.isOriginAllowed(origin, scope)) return app(scope, receive, decorating(send, origin));
    return app(scope, receive, varyingOnly(send));
  }

  /** A send that adds the CORS headers of an allowed request to the response start. */
  function decorating(send: Send, allowOrigin: string): Send {
    return (event: SendEvent) => {
      if (event.type !== "http.response.start") return send(event);
      return send({ ...event, headers: withCorsHeaders(event.headers ?? [], allowOrigin, actualHeaders, varyOrigin) });
    };
  }
}

/** A send that only merges `Vary: Origin` into the response start (disallowed origins). */
function varyingOnly(send: Send): Send {
  return (event: SendEvent) => {
    if (event.type !== "http.response.start") return send(event);
    return send({ ...event, headers: withVaryOrigin(event.headers ?? []) });
  };
}
