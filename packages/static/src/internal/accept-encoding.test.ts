import { describe, expect, it } from "vitest";
import { acceptedEncodings } from "./accept-encoding.js";

const all = ["br", "zstd", "gzip"] as const;

describe("acceptedEncodings", () => {
  it("accepts nothing when the header is absent", () => {
    expect(acceptedEncodings(undefined, all)).toEqual([]);
  });

  it("orders by our preference when q-values tie", () => {
    expect(acceptedEncodings("gzip, deflate, br, zstd", all)).toEqual(["br", "zstd", "gzip"]);
  });

  it("lets a higher q-value win over our preference", () => {
    expect(acceptedEncodings("br;q=0.5, gzip;q=0.9", all)).toEqual(["gzip", "br"]);
  });

  it("treats q=0 as a refusal", () => {
    expect(acceptedEncodings("br;q=0, gzip", all)).toEqual(["gzip"]);
  });

  it("uses the wildcard for codings not named", () => {
    expect(acceptedEncodings("*;q=0.3, gzip;q=0", all)).toEqual(["br", "zstd"]);
  });

  it("refuses everything with *;q=0", () => {
    expect(acceptedEncodings("*;q=0", all)).toEqual([]);
  });

  it("treats x-gzip as gzip and names case-insensitively", () => {
    expect(acceptedEncodings("X-GZIP", all)).toEqual(["gzip"]);
  });

  it("skips elements with a malformed q-value", () => {
    expect(acceptedEncodings("br;q=2, gzip;q=abc, zstd;q=0.5", all)).toEqual(["zstd"]);
  });

  it("skips an element whose q parameter has no value instead of treating it as q=1", () => {
    expect(acceptedEncodings("br;q, gzip;q=", all)).toEqual([]);
  });

  it("offers only what the server has enabled", () => {
    expect(acceptedEncodings("br, gzip", ["gzip"])).toEqual(["gzip"]);
  });
});
