import { createRequire } from "node:module";

interface MimeEntry {
  compressible?: boolean;
}

const mimeDb = createRequire(import.meta.url)("mime-db") as Readonly<Record<string, MimeEntry | undefined>>;

/** Structured-syntax suffixes (RFC 6839) whose payload is text and compresses well. */
const TEXT_SUFFIXES = ["+json", "+xml", "+text"];

/**
 * Whether responses of media type `contentType` are worth compressing — the default content
 * filter of {@link compression}. A type listed in `mime-db` is compressible exactly when its
 * `compressible` flag is `true`; a type `mime-db` does not know (or has no flag for) is
 * compressible when it is `text/*` or ends in `+json`, `+xml` or `+text`. Parameters
 * (`; charset=utf-8`) and case are ignored; an empty type is not compressible.
 *
 * @example
 * ```ts
 * isCompressibleType("application/json; charset=utf-8"); // true
 * isCompressibleType("image/png");                        // false
 * isCompressibleType("text/x-my-own-format");             // true (text/* fallback)
 * // extend the default filter:
 * compression({ filter: (type) => type === "application/x-ndjson" || isCompressibleType(type) });
 * ```
 */
export function isCompressibleType(contentType: string): boolean {
  const essence = mediaTypeEssence(contentType);
  if (essence === "") return false;
  const flag = mimeDb[essence]?.compressible;
  if (flag !== undefined) return flag;
  return essence.startsWith("text/") || TEXT_SUFFIXES.some((suffix) => essence.endsWith(suffix));
}

/** `"Text/HTML; charset=utf-8"` → `"text/html"`. */
export function mediaTypeEssence(contentType: string): string {
  const semicolon = contentType.indexOf(";");
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}
