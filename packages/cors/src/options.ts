import type { HTTPScope } from "@sluice/core";

/**
 * Decides whether a cross-origin request from `origin` may read the response.
 *
 * `origin` is the request's `Origin` header exactly as the browser sent it (a serialized
 * origin such as `"https://app.example.com"`; never `"null"`, which only an explicit
 * `allowOrigins` entry can allow). `scope` is the request's HTTP scope, so the decision may
 * depend on the path, the host or anything else in it. Must be synchronous and return exactly
 * `true` to allow (anything else, including a promise, refuses).
 *
 * @example
 * ```ts
 * const fromTenant: OriginPredicate = (origin, scope) =>
 *   scope.path.startsWith("/api/") && tenants.has(new URL(origin).hostname);
 * ```
 */
export type OriginPredicate = (origin: string, scope: HTTPScope) => boolean;

/**
 * Options of {@link cors}. Every list is matched as described per option; invalid
 * combinations throw a `CorsConfigError` when the middleware is built.
 *
 * @example
 * ```ts
 * const options: CorsOptions = {
 *   allowOrigins: ["https://app.example.com"],
 *   allowMethods: ["GET", "POST", "DELETE"],
 *   allowHeaders: ["authorization", "content-type"],
 *   allowCredentials: true,
 *   exposeHeaders: ["x-request-id"],
 * };
 * ```
 */
export interface CorsOptions {
  /**
   * Origins allowed to read responses: a list of serialized origins
   * (`"https://example.com"`, `"http://localhost:5173"`, exact match, no trailing slash or
   * path), or `"*"` for any origin. `"null"` (sandboxed iframes, `file:` pages) is allowed
   * only when listed. Default `[]` (no origin, unless `allowOriginRegex` or `allowOrigin`
   * allow it).
   */
  allowOrigins?: readonly string[] | "*" | undefined;
  /**
   * A regular expression an origin must match **in full** to be allowed (it is anchored at
   * both ends for you), e.g. `"https://[a-z0-9-]+\\.example\\.com"`. Flags of a `RegExp` are
   * kept, except `g` and `y`. Default: none.
   */
  allowOriginRegex?: string | RegExp | undefined;
  /**
   * A function deciding per request whether an origin is allowed; see {@link OriginPredicate}.
   * Default: none.
   */
  allowOrigin?: OriginPredicate | undefined;
  /**
   * Methods a preflight may ask for, case-sensitive as HTTP methods are (`"GET"`, not
   * `"get"`), or `"*"` for any method (the preflight answer then names the method asked
   * for; not allowed with `allowCredentials`). Default `["GET"]`.
   */
  allowMethods?: readonly string[] | "*" | undefined;
  /**
   * Request headers a preflight may ask for, case-insensitive, or `"*"` for any header (the
   * preflight answer then names exactly the headers asked for; not allowed with
   * `allowCredentials`). `Accept`, `Accept-Language`, `Content-Language` and `Content-Type`
   * are always allowed. Default `[]`.
   */
  allowHeaders?: readonly string[] | "*" | undefined;
  /**
   * Whether browsers may send credentials (cookies, HTTP authentication, client certificates)
   * and let the page read the answer (`Access-Control-Allow-Credentials: true`). Requires
   * origins to be listed or matched, never `"*"`. Default `false`.
   */
  allowCredentials?: boolean | undefined;
  /**
   * Response headers, beyond the CORS-safelisted ones, that page scripts may read
   * (`Access-Control-Expose-Headers`). Default `[]`.
   */
  exposeHeaders?: readonly string[] | undefined;
  /**
   * How long, in seconds, browsers may cache a preflight answer (`Access-Control-Max-Age`).
   * A non-negative integer; browsers cap it (Chromium at 7200). Default `600`.
   */
  maxAge?: number | undefined;
  /**
   * Whether to answer Private Network Access preflights (`Access-Control-Request-Private-Network: true`)
   * with `Access-Control-Allow-Private-Network: true`, letting public sites reach this server
   * on a private network. When `false` the request header is ignored and such browsers refuse.
   * Default `false`.
   */
  allowPrivateNetwork?: boolean | undefined;
}
