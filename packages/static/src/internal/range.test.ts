import { describe, expect, it } from "vitest";
import { coalesce, parseRange } from "./range.js";

const limits = { maxRanges: 16, coalesceGap: 80 };

describe("parseRange", () => {
  it("reads a closed range", () => {
    expect(parseRange("bytes=0-99", 1000, limits)).toEqual({ kind: "partial", ranges: [{ start: 0, end: 99 }] });
  });

  it("reads an open-ended range", () => {
    expect(parseRange("bytes=900-", 1000, limits)).toEqual({ kind: "partial", ranges: [{ start: 900, end: 999 }] });
  });

  it("reads a suffix range", () => {
    expect(parseRange("bytes=-100", 1000, limits)).toEqual({ kind: "partial", ranges: [{ start: 900, end: 999 }] });
  });

  it("clamps a suffix longer than the file to the whole file", () => {
    expect(parseRange("bytes=-5000", 1000, limits)).toEqual({ kind: "partial", ranges: [{ start: 0, end: 999 }] });
  });

  it("clamps a last position beyond the end", () => {
    expect(parseRange("bytes=990-5000", 1000, limits)).toEqual({ kind: "partial", ranges: [{ start: 990, end: 999 }] });
  });

  it("accepts the unit case-insensitively and whitespace around specs", () => {
    expect(parseRange("Bytes= 0-0 , 999-999", 1000, limits)).toEqual({
      kind: "partial",
      ranges: [
        { start: 0, end: 0 },
        { start: 999, end: 999 },
      ],
    });
  });

  it("reports a start past the end as unsatisfiable", () => {
    expect(parseRange("bytes=1000-", 1000, limits)).toEqual({ kind: "unsatisfiable" });
  });

  it("reports a zero-length suffix as unsatisfiable", () => {
    expect(parseRange("bytes=-0", 1000, limits)).toEqual({ kind: "unsatisfiable" });
  });

  it("reports any range of an empty file as unsatisfiable", () => {
    expect(parseRange("bytes=0-", 0, limits)).toEqual({ kind: "unsatisfiable" });
  });

  it("drops unsatisfiable specs when others are satisfiable", () => {
    expect(parseRange("bytes=5000-6000, 0-9", 1000, limits)).toEqual({ kind: "partial", ranges: [{ start: 0, end: 9 }] });
  });

  it("ignores a range whose last position is before its first", () => {
    expect(parseRange("bytes=50-10", 1000, limits)).toEqual({ kind: "whole" });
  });

  it("ignores other units and malformed values", () => {
    for (const value of ["items=0-1", "bytes", "bytes=", "bytes=a-b", "bytes=1-2-3", "bytes=--5", "bytes 0-1"]) {
      expect(parseRange(value, 1000, limits)).toEqual({ kind: "whole" });
    }
  });

  it("ignores a header with more ranges than allowed", () => {
    const many = `bytes=${Array.from({ length: 17 }, (_, i) => `${i * 100}-${i * 100 + 1}`).join(",")}`;
    expect(parseRange(many, 100_000, limits)).toEqual({ kind: "whole" });
  });

  it("treats absurdly large positions as past the end, not as a crash", () => {
    expect(parseRange("bytes=99999999999999999999999-", 1000, limits)).toEqual({ kind: "unsatisfiable" });
    expect(parseRange("bytes=0-99999999999999999999999", 1000, limits)).toEqual({ kind: "partial", ranges: [{ start: 0, end: 999 }] });
  });
});

describe("coalesce", () => {
  it("keeps the client's order when nothing overlaps", () => {
    expect(
      coalesce(
        [
          { start: 500, end: 599 },
          { start: 0, end: 99 },
        ],
        80,
      ),
    ).toEqual([
      { start: 500, end: 599 },
      { start: 0, end: 99 },
    ]);
  });

  it("merges overlapping ranges", () => {
    expect(
      coalesce(
        [
          { start: 0, end: 500 },
          { start: 100, end: 900 },
          { start: 0, end: 999 },
        ],
        80,
      ),
    ).toEqual([{ start: 0, end: 999 }]);
  });

  it("merges ranges closer than the gap", () => {
    expect(
      coalesce(
        [
          { start: 0, end: 9 },
          { start: 50, end: 59 },
          { start: 500, end: 509 },
        ],
        80,
      ),
    ).toEqual([
      { start: 0, end: 59 },
      { start: 500, end: 509 },
    ]);
  });
});
