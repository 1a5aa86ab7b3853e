import { withVary, type Headers, type ReadonlyHeaders } from "@sluice/core";

/** The response headers this middleware decides; the app's own values are replaced. */
const OWNED = new Set(["access-control-allow-origin", "access-control-allow-credentials", "access-control-expose-headers"]);

/** Shortest name in {@link OWNED}; shorter names skip the set lookup. */
const SHORTEST_OWNED = 27;

/**
 * The app's response headers plus the CORS headers of an allowed actual request: any CORS
 * header the app set itself is replaced, and `Vary: Origin` is merged in when `varyOrigin`.
 */
export function withCorsHeaders(appHeaders: ReadonlyHeaders, allowOrigin: string, extra: Headers, varyOrigin: boolean): Headers {
  const out: Headers = [];
  for (const header of appHeaders) {
    const name = header[0];
    if (name.length >= SHORTEST_OWNED && OWNED.has(name.toLowerCase())) continue;
    out.push([name, header[1]]);
  }
  out.push(["access-control-allow-origin", allowOrigin]);
  for (const header of extra) out.push([header[0], header[1]]);
  return varyOrigin ? withVary(out, "Origin") : out;
}
