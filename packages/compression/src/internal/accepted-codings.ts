import { parseQualityList, type QualityItem } from "@sluice/core";

/** A request's `Accept-Encoding` elements (`x-gzip` folded into `gzip`), or `undefined` when it sent none. */
export type AcceptedCodings = readonly QualityItem[] | undefined;

/** Parses the `Accept-Encoding` value (all fields joined with `", "`); malformed elements are dropped. */
export function parseAcceptEncoding(value: string | undefined): AcceptedCodings {
  if (value === undefined) return undefined;
  return parseQualityList(value).map((item) => (item.value === "x-gzip" ? { value: "gzip", q: item.q } : item));
}

/** The coding `negotiateEncoding` documents: the best of `available`, `"identity"`, or `null` when nothing is acceptable. */
export function chooseCoding(accepted: AcceptedCodings, available: readonly string[]): string | null {
  if (accepted === undefined) return "identity";
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

/** Whether the client refuses an unencoded body: `identity;q=0`, or `*;q=0` without naming identity. */
export function refusesIdentity(accepted: AcceptedCodings): boolean {
  if (accepted === undefined) return false;
  return (qualityOf(accepted, "identity") ?? qualityOf(accepted, "*")) === 0;
}

/** The q of `coding` when the client named it (the highest, if named twice), else `undefined`. */
function qualityOf(accepted: readonly QualityItem[], coding: string): number | undefined {
  let q: number | undefined;
  for (const entry of accepted) {
    if (entry.value === coding && (q === undefined || entry.q > q)) q = entry.q;
  }
  return q;
}
