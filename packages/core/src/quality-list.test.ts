import { describe, expect, it } from "vitest";
import { parseQualityList } from "./quality-list.js";

describe("parseQualityList", () => {
  it("gives every element without a q parameter a weight of 1", () => {
    expect(parseQualityList("gzip, br")).toEqual([
      { value: "gzip", q: 1 },
      { value: "br", q: 1 },
    ]);
  });

  it("reads the q parameter whatever its case and the spaces around the equals sign", () => {
    expect(parseQualityList("br;q=0.5, gzip ; Q = 0.25, zstd;q=1.000")).toEqual([
      { value: "br", q: 0.5 },
      { value: "gzip", q: 0.25 },
      { value: "zstd", q: 1 },
    ]);
  });

  it("lower-cases and trims values so they compare case-insensitively", () => {
    expect(parseQualityList("  X-GZIP ;q=0.1")).toEqual([{ value: "x-gzip", q: 0.1 }]);
  });

  it("keeps q=0 elements, which mean not acceptable", () => {
    expect(parseQualityList("*;q=0")).toEqual([{ value: "*", q: 0 }]);
  });

  it("drops elements whose q is out of range, not a number, too precise or missing its value", () => {
    expect(parseQualityList("a;q=2, b;q=abc, c;q=0.1234, d;q, e;q=, f;q=1.5, g;q=0.5")).toEqual([{ value: "g", q: 0.5 }]);
  });

  it("ignores parameters other than q", () => {
    expect(parseQualityList("text/html;level=1;q=0.7")).toEqual([{ value: "text/html", q: 0.7 }]);
  });

  it("skips empty elements and elements with no value", () => {
    expect(parseQualityList(" , ;q=0.5,, br ,")).toEqual([{ value: "br", q: 1 }]);
  });

  it("keeps duplicates in the order written", () => {
    expect(parseQualityList("gzip;q=0.2, gzip;q=0.8")).toEqual([
      { value: "gzip", q: 0.2 },
      { value: "gzip", q: 0.8 },
    ]);
  });

  it("returns an empty list for an empty value", () => {
    expect(parseQualityList("")).toEqual([]);
  });
});
