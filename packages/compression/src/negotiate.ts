import { parseQualityList, type QualityItem } from "@sluice/core";

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
  if (acceptEncoding === undefined) return "identity";
  const accepted = parseAcceptEncoding(acceptEncoding);
  const star = qualityOf(accepted, "*");

  let best: string | null = null;
  let bestQ = 0;
  for (const coding of available) {
    const q = qualityOf(accepted, coding.toLowerCase()) ?? star ?? 0;
    if (q > bestQ) {
      best = coding;
      bestQ = q;
    }
  }

  const identityQ = qualityOf(accepted, "identity") ?? star;
  if (best !== null && (identityQ === undefined || identityQ <= bestQ)) return best;
  if (identityQ === undefined || identityQ > 0) return "identity";
  return null;
}

/** The elements of an `Accept-Encoding` value, `x-gzip` folded into `gzip`; malformed elements are dropped. */
function parseAcceptEncoding(value: string): QualityItem[] {
  return parseQualityList(value).map((item) => (item.value === "x-gzip" ? { value: "gzip", q: item.q } : item));
}

/** The q of `coding` when the client named it (the highest, if named twice), else `undefined`. */
function qualityOf(accepted: readonly QualityItem[], coding: string): number | undefined {
  let q: number | undefined;
  for (const entry of accepted) {
    if (entry.value === coding && (q === undefined || entry.q > q)) q = entry.q;
  }
  return q;
}
