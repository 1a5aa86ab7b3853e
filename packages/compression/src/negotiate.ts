import { chooseCoding, parseAcceptEncoding } from "./internal/accepted-codings.js";

/**
 * Picks the content coding for a response from the request's `Accept-Encoding` field, following
 * RFC 9110 §12.5.3:
 *
 * - codings are compared case-insensitively; `x-gzip` counts as `gzip`; unknown codings are ignored;
 * - `q=0` makes a coding unacceptable; `*` stands for every coding not listed by name (identity included);
 * - among acceptable `available` codings the highest q wins; ties go to the earlier entry of
 *   `available` (the server's preference order);
 * - `identity` wins only when the client gives it a strictly higher q than the best coding;
 * - with no field at all the answer is `"identity"` (a client that sends no `Accept-Encoding`
 *   rarely decodes anything), and an empty field allows only identity.
 *
 * Returns the chosen coding, `"identity"` when the body should go out unencoded, or `null` when
 * nothing is acceptable (identity refused by `identity;q=0` or `*;q=0` and no available coding
 * allowed) — the server may then answer 406.
 *
 * @param acceptEncoding the field value (several fields joined with `", "`), or `undefined` when absent
 * @param available the codings the server can produce, most preferred first
 *
 * @example
 * ```ts
 * negotiateEncoding("gzip, br", ["br", "gzip"]);            // "br"
 * negotiateEncoding("gzip;q=1, br;q=0.5", ["br", "gzip"]);  // "gzip"
 * negotiateEncoding("identity;q=0", ["gzip"]);              // null
 * negotiateEncoding(undefined, ["gzip"]);                   // "identity"
 * ```
 */
export function negotiateEncoding(acceptEncoding: string | undefined, available: readonly string[]): string | null {
  return chooseCoding(parseAcceptEncoding(acceptEncoding), available);
}
