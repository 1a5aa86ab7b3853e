import { parseQualityList } from "@sluice/core";

/**
 * A content coding that can be served from a precompressed sibling file: `br` (`file.br`),
 * `zstd` (`file.zst`) or `gzip` (`file.gz`).
 *
 * @example
 * ```ts
 * const preference: PrecompressedEncoding[] = ["br", "gzip"];
 * staticFiles({ directory: "./public", precompressed: preference });
 * ```
 */
export type PrecompressedEncoding = "br" | "zstd" | "gzip";

/** File name extension of each coding's sibling. */
export const SIBLING_EXTENSION: Readonly<Record<PrecompressedEncoding, string>> = {
  br: ".br",
  zstd: ".zst",
  gzip: ".gz",
};

/**
 * The codings from `offered` (in our order of preference) that an Accept-Encoding value
 * accepts, best first: higher q-value wins, our order breaks ties; `q=0` refuses a coding;
 * `*` covers codings not named. An absent header accepts none of them (identity is served).
 */
export function acceptedEncodings(
  header: string | undefined,
  offered: readonly PrecompressedEncoding[],
): PrecompressedEncoding[] {
  if (header === undefined || offered.length === 0) return [];
  const weights = new Map<string, number>();
  for (const { value, q } of parseQualityList(header)) {
    const coding = value === "x-gzip" ? "gzip" : value;
    weights.set(coding, Math.max(weights.get(coding) ?? 0, q));
  }
  const wildcard = weights.get("*");
  const ranked: Array<{ encoding: PrecompressedEncoding; q: number; order: number }> = [];
  offered.forEach((encoding, order) => {
    const q = weights.get(encoding) ?? wildcard ?? 0;
    if (q > 0) ranked.push({ encoding, q, order });
  });
  ranked.sort((a, b) => b.q - a.q || a.order - b.order);
  return ranked.map((entry) => entry.encoding);
}
