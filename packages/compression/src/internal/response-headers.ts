import { getHeader, getHeaderValues, splitHeaderList, withHeader, withoutHeader, withVary, type Headers } from "@sluice/core";

/** `"abc"` → `W/"abc"`; weak or malformed values are returned unchanged. */
export function weakenEtag(etag: string): string {
  const trimmed = etag.trim();
  return trimmed.startsWith('"') ? `W/${trimmed}` : etag;
}

/** `headers` with a strong `ETag` made weak (the encoded bytes differ from the app's). */
export function withWeakEtag(headers: Headers): Headers {
  const etag = getHeader(headers, "etag");
  return etag === undefined ? headers : withHeader(headers, "etag", weakenEtag(etag));
}

/** `headers` with `Accept-Encoding` merged into `Vary`. */
export function withVaryAcceptEncoding(headers: Headers): Headers {
  return withVary(headers, "Accept-Encoding");
}

/**
 * The headers of the encoded response: `Content-Encoding` set, `Content-Length` and
 * `Accept-Ranges` removed (the length is unknown, and byte ranges of the unencoded body would
 * not apply to it), a strong `ETag` weakened, `Vary: Accept-Encoding` merged.
 */
export function encodedHeaders(headers: Headers, coding: string): Headers {
  let out = withoutHeader(withoutHeader(headers, "content-length"), "accept-ranges");
  out = withWeakEtag(out);
  out = withVaryAcceptEncoding(out);
  return withHeader(out, "content-encoding", coding);
}

/** Whether a `Cache-Control` field carries `no-transform`. */
export function hasNoTransform(headers: Headers): boolean {
  for (const value of getHeaderValues(headers, "cache-control")) {
    for (const directive of splitHeaderList(value)) {
      const name = directive.split("=", 1)[0]?.trim().toLowerCase();
      if (name === "no-transform") return true;
    }
  }
  return false;
}

/** Whether the response already carries a content coding other than identity. */
export function isAlreadyEncoded(headers: Headers): boolean {
  return getHeaderValues(headers, "content-encoding").some((value) =>
    splitHeaderList(value).some((coding) => coding.toLowerCase() !== "identity"),
  );
}

/** The declared `Content-Length`, or `undefined` when absent or not a plain decimal number. */
export function declaredLength(headers: Headers): number | undefined {
  const value = getHeader(headers, "content-length")?.trim();
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}
