/** An inclusive byte range of the selected representation. */
export interface ByteRange {
  start: number;
  end: number;
}

/** What a Range header asks for, measured against a representation of a known size. */
export type RangeRequest =
  /** Serve the whole representation (no Range, a malformed one, another unit, or too many ranges). */
  | { kind: "whole" }
  /** None of the ranges overlaps the representation: 416. */
  | { kind: "unsatisfiable" }
  /** One or more satisfiable ranges, in the order to send them. */
  | { kind: "partial"; ranges: ByteRange[] };

/** Limits applied to range requests. */
export interface RangeLimits {
  /** More range-specs than this and the Range header is ignored (200 with the whole file). */
  maxRanges: number;
  /**
   * Ranges that overlap or lie closer than this many bytes are merged into one, so a request
   * cannot make us send the same bytes many times over or many tiny parts.
   */
  coalesceGap: number;
}

const INT_RANGE = /^(\d+)-(\d*)$/;
const SUFFIX_RANGE = /^-(\d+)$/;

/**
 * Reads a Range header value against a representation of `size` bytes (RFC 9110 section 14).
 * Malformed values and units other than `bytes` are ignored (the whole file is sent), which
 * the RFC permits; so are headers with more than `limits.maxRanges` range-specs.
 */
export function parseRange(value: string, size: number, limits: RangeLimits): RangeRequest {
  const equals = value.indexOf("=");
  if (equals === -1) return { kind: "whole" };
  if (value.slice(0, equals).trim().toLowerCase() !== "bytes") return { kind: "whole" };
  const specs = value
    .slice(equals + 1)
    .split(",")
    .map((spec) => spec.trim())
    .filter((spec) => spec !== "");
  if (specs.length === 0 || specs.length > limits.maxRanges) return { kind: "whole" };

  const satisfiable: ByteRange[] = [];
  for (const spec of specs) {
    const intRange = INT_RANGE.exec(spec);
    if (intRange !== null) {
      const first = Number(intRange[1]);
      const last = intRange[2] === "" || intRange[2] === undefined ? Number.POSITIVE_INFINITY : Number(intRange[2]);
      if (last < first) return { kind: "whole" };
      if (first < size) satisfiable.push({ start: first, end: Math.min(last, size - 1) });
      continue;
    }
    const suffix = SUFFIX_RANGE.exec(spec);
    if (suffix !== null) {
      const length = Number(suffix[1]);
      if (length > 0 && size > 0) satisfiable.push({ start: Math.max(0, size - length), end: size - 1 });
      continue;
    }
    return { kind: "whole" };
  }
  if (satisfiable.length === 0) return { kind: "unsatisfiable" };
  return { kind: "partial", ranges: coalesce(satisfiable, limits.coalesceGap) };
}

/**
 * Merges ranges that overlap or are closer than `gap` bytes. When nothing needs merging the
 * client's order is kept (RFC 9110 asks for it); otherwise the merged ranges come out in
 * ascending order.
 */
export function coalesce(ranges: readonly ByteRange[], gap: number): ByteRange[] {
  if (ranges.length < 2) return [...ranges];
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const merged: ByteRange[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && range.start <= last.end + 1 + gap) {
      last.end = Math.max(last.end, range.end);
    } else {
      merged.push({ ...range });
    }
  }
  return merged.length === ranges.length ? [...ranges] : merged;
}
