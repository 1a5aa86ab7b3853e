import type { HTTPScope } from "@sluice/core";
import { CorsConfigError } from "../errors.js";
import type { OriginPredicate } from "../options.js";
import { describe } from "./describe.js";
import { looksLikeOrigin } from "./syntax.js";

/** Decides whether a request's `Origin` value is allowed. */
export type OriginMatcher = (origin: string, scope: HTTPScope) => boolean;

/**
 * Validates `allowOrigins`: `"*"` (or `["*"]`), or a list of serialized origins exactly as
 * browsers send them. Catches the usual mistakes (a trailing slash, a path, an upper-case host,
 * a default port) and names the value to write instead.
 */
export function normalizeOriginList(value: unknown): string[] | "*" {
  if (value === undefined) return [];
  if (value === "*") return "*";
  if (!Array.isArray(value)) {
    throw new CorsConfigError("allowOrigins", `expected a list of origins or "*", got ${describe(value)}.`);
  }
  if (value.length === 1 && value[0] === "*") return "*";
  const origins: string[] = [];
  for (const item of value as unknown[]) {
    if (item === "*") {
      throw new CorsConfigError("allowOrigins", '"*" cannot be mixed with origins; write allowOrigins: "*" on its own, or list only origins.');
    }
    if (typeof item !== "string") {
      throw new CorsConfigError("allowOrigins", `expected origin strings, got ${describe(item)}.`);
    }
    checkOrigin(item);
    if (!origins.includes(item)) origins.push(item);
  }
  return origins;
}

function checkOrigin(origin: string): void {
  if (origin === "null") return;
  const canonical = canonicalOrigin(origin);
  if (canonical === origin && looksLikeOrigin(origin)) return;
  const hint = canonical !== undefined && canonical !== "null" ? ` Browsers send it as ${JSON.stringify(canonical)}.` : "";
  throw new CorsConfigError(
    "allowOrigins",
    `${JSON.stringify(origin)} is not an origin as browsers send it: scheme://host[:port] in lower case, without a path or trailing slash, and without the default port.${hint}`,
  );
}

/** What a browser would send as `Origin` for `value`, when it parses as a URL. */
function canonicalOrigin(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol === "http:" || url.protocol === "https:") return url.origin;
  // Non-special schemes (chrome-extension:, moz-extension:, app:): browsers send scheme://host as written.
  if (url.host === "") return undefined;
  return `${url.protocol}//${url.host}`;
}

/**
 * Compiles `allowOriginRegex` anchored at both ends, so it must match the whole origin.
 */
export function compileOriginRegex(value: unknown): RegExp | undefined {
  if (value === undefined) return undefined;
  if (value instanceof RegExp) {
    return new RegExp(`^(?:${value.source})$`, value.flags.replace(/[gy]/g, ""));
  }
  if (typeof value !== "string" || value === "") {
    throw new CorsConfigError("allowOriginRegex", `expected a non-empty regular expression string or a RegExp, got ${describe(value)}.`);
  }
  try {
    return new RegExp(`^(?:${value})$`);
  } catch (error) {
    throw new CorsConfigError(
      "allowOriginRegex",
      `${JSON.stringify(value)} is not a valid regular expression: ${error instanceof Error ? error.message : String(error)}.`,
      { cause: error },
    );
  }
}

/**
 * Builds the per-request origin check from the listed origins, the regex and the predicate
 * (an origin is allowed when any of them allows it). `"null"` and malformed values reach
 * neither the regex nor the predicate; only a listed `"null"` allows the `null` origin.
 */
export function buildOriginMatcher(listed: readonly string[], regexOption: unknown, predicate: unknown): OriginMatcher {
  const regex = compileOriginRegex(regexOption);
  if (predicate !== undefined && typeof predicate !== "function") {
    throw new CorsConfigError("allowOrigin", `expected a function (origin, scope) => boolean, got ${describe(predicate)}.`);
  }
  const allowed = new Set(listed);
  const decide = predicate as OriginPredicate | undefined;
  if (regex === undefined && decide === undefined) return (origin) => allowed.has(origin);
  return (origin, scope) => {
    if (allowed.has(origin)) return true;
    if (!looksLikeOrigin(origin)) return false;
    if (regex?.test(origin) === true) return true;
    if (decide === undefined) return false;
    // Only a real `true` allows: a JavaScript predicate returning a truthy non-boolean is a bug, not a yes.
    const verdict: unknown = decide(origin, scope);
    return verdict === true;
  };
}
