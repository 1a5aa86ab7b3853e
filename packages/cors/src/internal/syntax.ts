// Syntax checks shared by option validation and request handling.

/** An HTTP token (RFC 9110 §5.6.2): method names and header field names. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * The shape of a serialized origin as browsers send it in `Origin`: `scheme://host[:port]`,
 * nothing after the authority, no spaces or commas.
 */
const SERIALIZED_ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/?#\s,\\]+$/;

/** Whether `value` is an HTTP token (a valid method or header name). */
export function isToken(value: string): boolean {
  return TOKEN.test(value);
}

/** Whether `value` looks like a serialized origin (not `"null"`). */
export function looksLikeOrigin(value: string): boolean {
  return SERIALIZED_ORIGIN.test(value);
}
