import { withVary, type Headers, type ReadonlyHeaders } from "@sluice/core";

/** The response headers this middleware decides; the app's own values are replaced. */
const OWNED = new Set(["access-control-allow-origin", "access-control-allow-credentials", "access-control-expose-headers"]);

/** Shortest name in {@link OWNED}; shorter names skip the set lookup. */
const SHORTEST_OWNED = 27;

/**
 * The app's response headers plus the CORS headers of an allowed actual request: any CORS
 * header the app set itself is replaced, and `Vary: Origin` is merged in when `varyOrigin`
 * (appended directly when the app sent no `Vary`, merged with `withVary` when it did).
 */
export function withCorsHeaders(appHeaders: ReadonlyHeaders, allowOrigin: string, extra: Headers, varyOrigin: boolean): Headers {
  const out: Headers = [];
  let appVaries = false;
  for (const header of appHeaders) {
    const name = header[0];
    if (name.length === 4 && name.toLowerCase() === "vary") appVaries = true;
    else if (name.length >= SHORTEST_OWNED && OWNED.has(name.toLowerCase())) continue;
    out.push([name, header[1]]);
  }
  out.push(["access-control-allow-origin", allowOrigin]);
  for (const header of extra) out.push([header[0], header[1]]);
  if (!varyOrigin) return out;
  if (appVaries) return withVary(out, "Origin");
  out.push(["vary", "Origin"]);
  return out;
}

/** The app's response headers with `Vary: Origin` merged in (for disallowed origins). */
export function withVaryOrigin(appHeaders: ReadonlyHeaders): Headers {
  for (const header of appHeaders) {
    if (header[0].length === 4 && header[0].toLowerCase() === "vary") return withVary(appHeaders, "Origin");
  }
  const out: Headers = [];
  for (const header of appHeaders) out.push([header[0], header[1]]);
  out.push(["vary", "Origin"]);
  return out;
}
