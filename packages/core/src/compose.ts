import type { App, Middleware } from "./app.js";

/**
 * Combines middleware into one, **outermost first**: `compose(a, b, c)(app)` is `a(b(c(app)))`,
 * so a request passes through `a` first and the response through `a` last.
 *
 * @example
 * ```ts
 * const app = compose(cors({ allowOrigins: ["https://example.com"] }), compression())(inner);
 * ```
 */
export function compose(...middleware: Middleware[]): Middleware {
  return (app: App): App => {
    let wrapped = app;
    for (let i = middleware.length - 1; i >= 0; i--) {
      const layer = middleware[i];
      if (layer !== undefined) wrapped = layer(wrapped);
    }
    return wrapped;
  };
}
